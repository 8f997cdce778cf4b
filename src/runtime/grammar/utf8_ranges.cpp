#include "runtime/grammar/utf8_ranges.h"

#include "text/utf8.h"

#include <algorithm>

namespace onboard::runtime::grammar {
namespace {

using Range = std::pair<uint32_t, uint32_t>;

std::vector<Range> normalized(std::vector<Range> r) {
  std::sort(r.begin(), r.end());
  std::vector<Range> out;
  for (auto [lo, hi] : r) {
    if (lo > hi) continue;
    if (!out.empty() && lo <= out.back().second + 1) out.back().second = std::max(out.back().second, hi);
    else out.emplace_back(lo, hi);
  }
  return out;
}

int encoded_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void encode(uint32_t cp, uint8_t* b) {
  std::string s;
  text::utf8_append(s, cp);
  for (size_t i = 0; i < s.size(); ++i) b[i] = static_cast<uint8_t>(s[i]);
}

// lo and hi encode with the same length n.
void split_same_length(uint32_t lo, uint32_t hi, int n, std::vector<Utf8Sequence>& out) {
  for (int i = 1; i < n; ++i) {
    const uint32_t m = (uint32_t{1} << (6 * i)) - 1;
    if ((lo & ~m) != (hi & ~m)) {
      if ((lo & m) != 0) {
        split_same_length(lo, lo | m, n, out);
        split_same_length((lo | m) + 1, hi, n, out);
        return;
      }
      if ((hi & m) != m) {
        split_same_length(lo, (hi & ~m) - 1, n, out);
        split_same_length(hi & ~m, hi, n, out);
        return;
      }
    }
  }
  uint8_t a[4], b[4];
  encode(lo, a);
  encode(hi, b);
  Utf8Sequence seq;
  for (int i = 0; i < n; ++i) seq.push_back({a[i], b[i]});
  out.push_back(std::move(seq));
}

}  // namespace


std::vector<std::pair<uint32_t, uint32_t>> complement_ranges(std::vector<std::pair<uint32_t, uint32_t>> ranges) {
  std::vector<Range> out;
  uint32_t next = 0;
  for (auto [lo, hi] : normalized(std::move(ranges))) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= 0x10FFFF) out.emplace_back(next, 0x10FFFF);
  return out;
}

std::vector<Utf8Sequence> utf8_sequences(std::vector<std::pair<uint32_t, uint32_t>> ranges) {
  // Surrogates and anything past U+10FFFF have no UTF-8 encoding: cut them out first.
  std::vector<Range> valid;
  for (auto [lo, hi] : normalized(std::move(ranges))) {
    hi = std::min<uint32_t>(hi, 0x10FFFF);
    if (lo > hi) continue;
    if (lo < 0xD800 && hi >= 0xD800) {
      valid.emplace_back(lo, 0xD7FF);
      if (hi > 0xDFFF) valid.emplace_back(0xE000, hi);
    } else if (lo >= 0xD800 && lo <= 0xDFFF) {
      if (hi > 0xDFFF) valid.emplace_back(0xE000, hi);
    } else {
      valid.emplace_back(lo, hi);
    }
  }
  std::vector<Utf8Sequence> out;
  static constexpr uint32_t kLengthEnds[] = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
  for (auto [lo, hi] : valid) {
    while (lo <= hi) {
      const int n = encoded_length(lo);
      const uint32_t end = std::min(hi, kLengthEnds[n - 1]);
      split_same_length(lo, end, n, out);
      if (end == hi) break;
      lo = end + 1;
    }
  }
  return out;
}

}  // namespace onboard::runtime::grammar
