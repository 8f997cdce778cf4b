// Byte-level BPE over token ids: merges applied by rank (lowest first, leftmost on ties),
// with a flat hash table keyed by the pair of token ids (reference §8.1 step 5).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace onboard::text {

class BpeModel {
 public:
  struct Merge {
    int32_t left = -1, right = -1, result = -1;
  };
  // byte_ids[b] = id of the token for byte b; merges in rank order.
  BpeModel(const std::array<int32_t, 256>& byte_ids, const std::vector<Merge>& merges);
  BpeModel() = default;

  // Appends the ids of one pre-tokenized piece (raw bytes, at least one).
  void encode_piece(const char* data, size_t size, std::vector<int32_t>& out) const;

  // Rank and result of merging (left, right); false when the pair does not merge.
  bool lookup(int32_t left, int32_t right, int32_t* rank, int32_t* result) const {
    if (table_.empty()) return false;
    const uint64_t key = key_of(left, right);
    for (size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const Slot& s = table_[i];
      if (s.key == key) {
        *rank = s.rank;
        *result = s.result;
        return true;
      }
      if (s.key == kEmpty) return false;
    }
  }

  size_t n_merges() const { return n_merges_; }

 private:
  struct Slot {
    uint64_t key = kEmpty;
    int32_t rank = 0;
    int32_t result = 0;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t key_of(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  size_t slot_of(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }

  std::array<int32_t, 256> byte_ids_{};
  std::vector<Slot> table_;
  int shift_ = 64;
  size_t mask_ = 0;
  size_t n_merges_ = 0;
};

}  // namespace onboard::text
