// Code point ranges as UTF-8 byte-range sequences (the construction regex engines use): every
// string of code points in the ranges, encoded as UTF-8, matches exactly one sequence, and
// nothing else does. Surrogates (U+D800..U+DFFF) are never produced.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace onboard::runtime::grammar {

struct ByteRange {
  uint8_t lo, hi;
};
using Utf8Sequence = std::vector<ByteRange>;

// `ranges` of code points (inclusive, any order, may overlap) -> disjoint UTF-8 sequences.
std::vector<Utf8Sequence> utf8_sequences(std::vector<std::pair<uint32_t, uint32_t>> ranges);

// Sorted, merged ranges of everything in [0, 0x10FFFF] not in `ranges`.
std::vector<std::pair<uint32_t, uint32_t>> complement_ranges(std::vector<std::pair<uint32_t, uint32_t>> ranges);


}  // namespace onboard::runtime::grammar
