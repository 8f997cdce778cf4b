#include "runtime/grammar/token_constraint.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>

namespace onboard::runtime::grammar {

std::shared_ptr<const VocabTrie> shared_vocab_trie(const text::Tokenizer& tokenizer) {
  static std::mutex mu;
  // Each entry holds a copy of its tokenizer, so the address cannot be reused by another one.
  static std::map<const void*, std::pair<text::Tokenizer, std::weak_ptr<const VocabTrie>>> tries;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = tries[&tokenizer.vocab()];
  if (auto t = slot.second.lock()) return t;
  auto t = std::make_shared<const VocabTrie>(tokenizer);
  slot = {tokenizer, t};
  return t;
}

TokenConstraint::TokenConstraint(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const VocabTrie> vocab,
                                 size_t max_cached_masks)
    : vocab_(std::move(vocab)), matcher_(std::move(grammar)), max_cached_(max_cached_masks) {
  current_.assign((static_cast<size_t>(vocab_->n_vocab()) + 63) / 64, 0);
  masked_.resize(static_cast<size_t>(vocab_->n_vocab()));
  levels_.resize(vocab_->max_depth() + 2);
}

void TokenConstraint::walk(uint32_t node, size_t depth, std::vector<uint64_t>& bits) {
  const auto& nodes = vocab_->nodes();
  const auto& ids = vocab_->token_ids();
  const Grammar& g = matcher_.grammar();
  const std::vector<int32_t>& in = levels_[depth];
  // Bytes any stack can take next: children outside it are skipped without advancing.
  ByteSet next;
  for (int32_t s : in)
    if (s != kCompleteStack)
      for (int w = 0; w < 4; ++w) next.bits[w] |= next_bytes(g, arena_[static_cast<size_t>(s)]).bits[w];
  StackOps ops{&g, &arena_};
  for (uint32_t c = nodes[node].child_begin; c < nodes[node].child_end; ++c) {
    const VocabTrie::Node& child = nodes[c];
    if (!next.has(child.byte)) continue;
    const size_t mark = arena_.size();
    ops.advance(in, child.byte, levels_[depth + 1]);
    if (!levels_[depth + 1].empty()) {
      for (uint32_t t = child.token_begin; t < child.token_end; ++t) {
        const auto id = static_cast<uint32_t>(ids[t]);
        bits[id >> 6] |= uint64_t{1} << (id & 63);
      }
      if (child.child_begin != child.child_end) walk(c, depth + 1, bits);
    }
    arena_.resize(mark);
  }
}

void TokenConstraint::compute(std::vector<uint64_t>& bits) {
  std::fill(bits.begin(), bits.end(), 0);
  arena_ = matcher_.arena();
  levels_[0] = matcher_.stacks();
  walk(0, 0, bits);
  if (matcher_.accepting())
    for (int32_t id : vocab_->end_ids()) bits[static_cast<size_t>(id) >> 6] |= uint64_t{1} << (id & 63);
}

const std::vector<uint64_t>& TokenConstraint::mask() {
  if (current_valid_) return current_;
  if (max_cached_ == 0) {
    compute(current_);
  } else {
    matcher_.state_key(key_);
    auto it = cache_.find(key_);
    if (it != cache_.end()) {
      current_ = it->second;
    } else {
      compute(current_);
      if (cache_.size() >= max_cached_) cache_.clear();  // bounded; states of a new phase refill it
      cache_.emplace(key_, current_);
    }
  }
  current_valid_ = true;
  return current_;
}

bool TokenConstraint::allowed(int32_t token) {
  if (token < 0 || token >= vocab_->n_vocab()) return false;
  const auto& m = mask();
  return (m[static_cast<size_t>(token) >> 6] >> (token & 63)) & 1u;
}

bool TokenConstraint::any_allowed() {
  for (uint64_t w : mask())
    if (w) return true;
  return false;
}

void TokenConstraint::apply(float* logits) {
  const auto& m = mask();
  const int32_t n = vocab_->n_vocab();
  for (int32_t i = 0; i < n; ++i)
    if (!((m[static_cast<size_t>(i) >> 6] >> (i & 63)) & 1u)) logits[i] = -std::numeric_limits<float>::infinity();
}

bool TokenConstraint::would_accept(int32_t token) const {
  if (token < 0 || token >= vocab_->n_vocab()) return false;
  if (vocab_->is_end(token)) return matcher_.accepting();
  const std::string& p = vocab_->piece(token);
  if (p.empty()) return false;
  Matcher probe = matcher_;
  return probe.accept_bytes(p);
}

int32_t TokenConstraint::sample(Sampler& sampler, const float* logits, bool try_unmasked) {
  auto state_cached = [this] {
    matcher_.state_key(key_);
    return cache_.count(key_) != 0;
  };
  if (try_unmasked && !current_valid_ && (max_cached_ == 0 || !state_cached())) {
    const int32_t first = sampler.sample(logits);
    if (would_accept(first)) return first;
  }
  if (!any_allowed()) return -1;
  std::copy(logits, logits + vocab_->n_vocab(), masked_.begin());
  apply(masked_.data());
  const int32_t tok = sampler.sample(masked_.data());
  return allowed(tok) ? tok : -1;
}

bool TokenConstraint::accept_token(int32_t token) {
  if (token < 0 || token >= vocab_->n_vocab()) return false;
  if (vocab_->is_end(token)) return matcher_.accepting();
  const std::string& p = vocab_->piece(token);
  if (p.empty()) return false;
  if (!matcher_.accept_bytes(p)) return false;
  current_valid_ = false;
  return true;
}

}  // namespace onboard::runtime::grammar
