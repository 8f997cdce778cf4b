// The vocabulary's token byte strings as a trie, so a mask walk visits a prefix shared by many
// tokens once. Built once per tokenizer. Control tokens are in it by their text: DeepSeek's
// tool-call markers are control tokens, and a model trained to emit them must be able to where
// the grammar spells their text (else it is forced to spell the marker out byte by byte, which it
// never saw). BOS and unused ids are left out; the end-of-generation ids are kept apart, since
// the grammar allows them only where the output may end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace onboard::runtime::grammar {

class VocabTrie {
 public:
  struct Node {
    uint32_t child_begin = 0, child_end = 0;  // children are nodes[child_begin, child_end)
    uint32_t token_begin = 0, token_end = 0;  // tokens whose bytes end here: token_ids[...]
    uint8_t byte = 0;                         // the edge byte into this node
  };

  explicit VocabTrie(const text::Tokenizer& tokenizer);

  int32_t n_vocab() const { return n_vocab_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<int32_t>& token_ids() const { return token_ids_; }
  const std::vector<int32_t>& end_ids() const { return end_ids_; }
  size_t max_depth() const { return max_depth_; }
  const std::string& piece(int32_t id) const { return pieces_[static_cast<size_t>(id)]; }
  bool is_end(int32_t id) const;

 private:
  int32_t n_vocab_ = 0;
  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<int32_t> token_ids_;
  std::vector<int32_t> end_ids_;
  std::vector<std::string> pieces_;  // index = token id; empty for ids left out
  size_t max_depth_ = 0;
};

}  // namespace onboard::runtime::grammar
