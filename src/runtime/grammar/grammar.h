// A compiled grammar: rules of alternatives of byte-level elements, as the pushdown matcher
// walks them. Everything is bytes: character classes over code points are lowered to UTF-8
// byte sequences when the grammar is built, so tokens that end inside a multi-byte character
// are matched like any other bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace onboard::runtime::grammar {

// 256 bits: which bytes a terminal accepts.
struct ByteSet {
  std::array<uint64_t, 4> bits{};
  bool has(uint8_t b) const { return (bits[b >> 6] >> (b & 63)) & 1u; }
  void add(uint8_t b) { bits[b >> 6] |= uint64_t{1} << (b & 63); }
  void add_range(uint8_t lo, uint8_t hi) {
    for (unsigned b = lo; b <= hi; ++b) add(static_cast<uint8_t>(b));
  }
  bool operator==(const ByteSet&) const = default;
};

enum class ElemKind : uint8_t {
  kEnd,    // end of an alternative
  kBytes,  // one byte from sets[arg]
  kRef,    // rule arg
  kClass,  // one UTF-8 encoded code point from classes[arg] (over one to four bytes)
};

// A character class over code points: sorted, disjoint, inclusive ranges. One element, whatever
// the number of UTF-8 byte patterns it stands for, so a class does not fan out into a stack per
// pattern (the mask walk's cost inside strings).
struct CodePointClass {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  ByteSet first_bytes;  // bytes that can begin a member
  // Some member lies in [lo, hi] (surrogates never count).
  bool intersects(uint32_t lo, uint32_t hi) const;
};

struct Elem {
  ElemKind kind = ElemKind::kEnd;
  uint32_t arg = 0;
};

struct Grammar {
  // Every alternative of every rule, each ended by a kEnd; a position is an index here.
  std::vector<Elem> elems;
  std::vector<std::vector<uint32_t>> rule_alts;  // rule -> start positions of its alternatives
  std::vector<std::string> rule_names;
  std::vector<ByteSet> sets;
  std::vector<CodePointClass> classes;
  uint32_t root = 0;
};

}  // namespace onboard::runtime::grammar
