#include "server/slot_contents.h"

#include <algorithm>

namespace onboard::server {

int64_t SlotContents::common_prefix(int slot, std::span<const int32_t> tokens) const {
  const auto& held = tokens_[static_cast<size_t>(slot)];
  const auto [a, b] = std::mismatch(held.begin(), held.end(), tokens.begin(), tokens.end());
  return a - held.begin();
}

void SlotContents::truncate(int slot, int64_t n) {
  auto& held = tokens_[static_cast<size_t>(slot)];
  if (n >= static_cast<int64_t>(held.size())) return;
  total_.fetch_sub(static_cast<int64_t>(held.size()) - n, std::memory_order_relaxed);
  held.resize(static_cast<size_t>(n));
}

void SlotContents::append(int slot, std::span<const int32_t> tokens) {
  auto& held = tokens_[static_cast<size_t>(slot)];
  held.insert(held.end(), tokens.begin(), tokens.end());
  total_.fetch_add(static_cast<int64_t>(tokens.size()), std::memory_order_relaxed);
}

}  // namespace onboard::server
