// A grammar applied to sampling: which tokens may come next (a bit mask over the vocabulary),
// logits of the others set to -inf, and the chosen token advancing the matcher. A token is
// allowed when the matcher accepts all its bytes; an end-of-generation token only where the
// output so far is a complete sentence. Masks are computed by one walk of the vocabulary trie
// and cached per matcher state (the same state recurs: inside a string, between fields), so a
// repeated state costs a hash lookup.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/grammar/matcher.h"
#include "runtime/sampler.h"
#include "runtime/grammar/vocab_trie.h"

namespace onboard::runtime::grammar {

// The trie of a tokenizer's vocabulary, built on first use and shared by every constraint on
// that tokenizer (copies of a Tokenizer share it too).
std::shared_ptr<const VocabTrie> shared_vocab_trie(const text::Tokenizer& tokenizer);

class TokenConstraint {
 public:
  TokenConstraint(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const VocabTrie> vocab,
                  size_t max_cached_masks = 256);

  // Bit i set: token i may come next. Valid until the next accept.
  const std::vector<uint64_t>& mask();
  bool allowed(int32_t token);
  // Sets the logits of tokens that may not come next to -inf.
  void apply(float* logits);
  // Draws from `logits` restricted to the allowed tokens (a copy is masked; the logits are
  // left as they are). Does not advance: accept_token() the result. -1 when nothing is allowed.
  // With `try_unmasked` and the state's mask not known yet, a draw from the unmasked logits is
  // tried first and kept if the grammar takes it (as llama.cpp does), skipping the mask walk:
  // worth it for a model that mostly follows the grammar, a loss for one that does not (two
  // draws over the vocabulary). Kept draws follow the masked distribution exactly for greedy
  // and plain temperature sampling; with top-k/top-p the truncation comes before the mask.
  int32_t sample(Sampler& sampler, const float* logits, bool try_unmasked = false);
  // The grammar takes this token now (a walk of its bytes only, not of the vocabulary).
  bool would_accept(int32_t token) const;
  // Advances over a chosen token; false (state unchanged) when the grammar does not allow it.
  bool accept_token(int32_t token);
  // Advances over text that did not come from a sampled token (a forced prefix).
  bool accept_text(std::string_view bytes) { return matcher_.accept_bytes(bytes); }
  bool accepting() const { return matcher_.accepting(); }
  // Neither more bytes nor the end: nothing can be allowed (cannot happen after a successful
  // accept unless the grammar admits no sentence at all).
  bool any_allowed();
  void reset() { matcher_.reset(); }

  // The mask of the current state by a fresh walk of the trie (no cache): what mask() costs
  // when the state is new.
  void compute_mask(std::vector<uint64_t>& bits) { compute(bits); }
  const Matcher& matcher() const { return matcher_; }
  const std::shared_ptr<const VocabTrie>& vocab() const { return vocab_; }
  void clear_cache() { cache_.clear(); }

 private:
  void compute(std::vector<uint64_t>& bits);
  void walk(uint32_t node, size_t depth, std::vector<uint64_t>& bits);

  std::shared_ptr<const VocabTrie> vocab_;
  Matcher matcher_;
  size_t max_cached_;
  std::unordered_map<std::string, std::vector<uint64_t>> cache_;
  std::string key_;  // the matcher's state key, storage reused across tokens
  std::vector<uint64_t> current_;
  std::vector<float> masked_;  // sample()'s copy of the logits, sized at construction
  bool current_valid_ = false;
  // Walk scratch: a copy of the live stacks' nodes plus what the walk adds (truncated as it
  // backs out), and one stack list per trie depth.
  std::vector<StackNode> arena_;
  std::vector<std::vector<int32_t>> levels_;
};

}  // namespace onboard::runtime::grammar
