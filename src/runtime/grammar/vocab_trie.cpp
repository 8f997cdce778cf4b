#include "runtime/grammar/vocab_trie.h"

#include <algorithm>
#include <numeric>

namespace onboard::runtime::grammar {

VocabTrie::VocabTrie(const text::Tokenizer& tokenizer) : n_vocab_(tokenizer.n_vocab()) {
  pieces_.resize(static_cast<size_t>(n_vocab_));
  for (int32_t id : {tokenizer.eos_id(), tokenizer.eot_id()})
    if (id >= 0 && id < n_vocab_ && !is_end(id)) end_ids_.push_back(id);
  std::vector<int32_t> ids;
  for (int32_t id = 0; id < n_vocab_; ++id) {
    const auto type = tokenizer.token_type(id);
    if (type == text::TokenType::kUnused || id == tokenizer.bos_id() || is_end(id)) continue;
    const std::string_view p = tokenizer.token_piece(id);
    if (p.empty()) continue;
    pieces_[static_cast<size_t>(id)] = std::string(p);
    ids.push_back(id);
    max_depth_ = std::max(max_depth_, p.size());
  }
  std::sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
    return pieces_[static_cast<size_t>(a)] < pieces_[static_cast<size_t>(b)];
  });
  token_ids_ = ids;
  // Breadth of each node's children allocated together so they are contiguous. Work items:
  // (node, depth, [lo, hi) of the sorted ids sharing the node's prefix).
  struct Item {
    uint32_t node;
    size_t depth, lo, hi;
  };
  nodes_.push_back({});
  std::vector<Item> work{{0, 0, 0, ids.size()}};
  while (!work.empty()) {
    const Item it = work.back();
    work.pop_back();
    size_t i = it.lo;
    // Tokens that end exactly here sort first (shortest string of the prefix).
    while (i < it.hi && pieces_[static_cast<size_t>(ids[i])].size() == it.depth) ++i;
    nodes_[it.node].token_begin = static_cast<uint32_t>(it.lo);
    nodes_[it.node].token_end = static_cast<uint32_t>(i);
    std::vector<Item> children;
    while (i < it.hi) {
      const auto b = static_cast<uint8_t>(pieces_[static_cast<size_t>(ids[i])][it.depth]);
      size_t j = i;
      while (j < it.hi && static_cast<uint8_t>(pieces_[static_cast<size_t>(ids[j])][it.depth]) == b) ++j;
      Node n;
      n.byte = b;
      nodes_.push_back(n);
      children.push_back({static_cast<uint32_t>(nodes_.size() - 1), it.depth + 1, i, j});
      i = j;
    }
    if (!children.empty()) {
      nodes_[it.node].child_begin = children.front().node;
      nodes_[it.node].child_end = children.back().node + 1;
    }
    work.insert(work.end(), children.begin(), children.end());
  }
}

bool VocabTrie::is_end(int32_t id) const { return std::find(end_ids_.begin(), end_ids_.end(), id) != end_ids_.end(); }

}  // namespace onboard::runtime::grammar
