// What each slot's KV cache holds, token by token, so a request whose prompt starts with
// those tokens (a repeated system prompt, the earlier turns of a conversation) reuses their
// KV instead of recomputing it: the prefix cache. Written by the sequence that holds the
// slot (the scheduler's worker thread); total_tokens() may be read from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

namespace onboard::server {

class SlotContents {
 public:
  // Storage for n_ctx tokens a slot is planned here: the token loop does not allocate.
  SlotContents(int n_slots, int64_t n_ctx) : tokens_(static_cast<size_t>(n_slots)) {
    for (auto& t : tokens_) t.reserve(static_cast<size_t>(n_ctx));
  }

  // Length of the longest common prefix of `tokens` and slot `slot`'s contents.
  int64_t common_prefix(int slot, std::span<const int32_t> tokens) const;
  int64_t size(int slot) const { return static_cast<int64_t>(tokens_[static_cast<size_t>(slot)].size()); }
  // Keeps the first n tokens of the slot (n <= size).
  void truncate(int slot, int64_t n);
  void append(int slot, std::span<const int32_t> tokens);
  // Tokens held over all slots (KV cache use).
  int64_t total_tokens() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::vector<int32_t>> tokens_;
  std::atomic<int64_t> total_{0};
};

}  // namespace onboard::server
