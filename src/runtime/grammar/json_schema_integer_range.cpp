#include "runtime/grammar/json_schema_integer_range.h"

#include <algorithm>
#include <vector>

namespace onboard::runtime::grammar {
namespace {

constexpr int64_t kMaxOpen = 9999999999999999;  // 16 nines

std::string digit_class(char a, char b) {
  if (a == b) return std::string("\"") + a + "\"";
  return std::string("[") + a + "-" + b + "]";
}

std::string any_digits(size_t n) {
  if (n == 0) return "";
  return n == 1 ? "[0-9]" : "[0-9]{" + std::to_string(n) + "}";
}

// x, y: same length, x <= y, as digit strings: every string between them (inclusive).
std::string same_length(const std::string& x, const std::string& y) {
  const size_t n = x.size();
  if (x == y) return "\"" + x + "\"";
  if (n == 1) return digit_class(x[0], y[0]);
  const std::string xr = x.substr(1), yr = y.substr(1);
  auto join = [](const std::string& a, const std::string& b) { return b.empty() ? a : a + " " + b; };
  if (x[0] == y[0]) return join("\"" + std::string(1, x[0]) + "\"", "(" + same_length(xr, yr) + ")");
  const bool x_zeros = xr.find_first_not_of('0') == std::string::npos;
  const bool y_nines = yr.find_first_not_of('9') == std::string::npos;
  std::vector<std::string> alts;
  char mid_lo = x[0], mid_hi = y[0];
  if (!x_zeros) {
    alts.push_back(join("\"" + std::string(1, x[0]) + "\"", "(" + same_length(xr, std::string(n - 1, '9')) + ")"));
    ++mid_lo;
  }
  if (!y_nines) --mid_hi;
  if (mid_lo <= mid_hi) alts.push_back(join(digit_class(mid_lo, mid_hi), any_digits(n - 1)));
  if (!y_nines) alts.push_back(join("\"" + std::string(1, y[0]) + "\"", "(" + same_length(std::string(n - 1, '0'), yr) + ")"));
  std::string out = alts[0];
  for (size_t i = 1; i < alts.size(); ++i) out += " | " + alts[i];
  return out;
}

// Non-negative a <= b.
std::string non_negative(int64_t a, int64_t b) {
  const std::string sa = std::to_string(a), sb = std::to_string(b);
  std::vector<std::string> alts;
  for (size_t len = sa.size(); len <= sb.size(); ++len) {
    const std::string lo = len == sa.size() ? sa : "1" + std::string(len - 1, '0');
    const std::string hi = len == sb.size() ? sb : std::string(len, '9');
    alts.push_back("(" + same_length(lo, hi) + ")");
  }
  std::string out = alts[0];
  for (size_t i = 1; i < alts.size(); ++i) out += " | " + alts[i];
  return out;
}

}  // namespace

std::string integer_range_gbnf(std::optional<int64_t> lo, std::optional<int64_t> hi) {
  const int64_t a = lo ? std::max(*lo, -kMaxOpen) : -kMaxOpen;
  const int64_t b = hi ? std::min(*hi, kMaxOpen) : kMaxOpen;
  std::vector<std::string> alts;
  if (a < 0) alts.push_back("\"-\" (" + non_negative(std::max<int64_t>(1, b < 0 ? -b : 1), -a) + ")");
  if (b >= 0) alts.push_back(non_negative(std::max<int64_t>(0, a), b));
  std::string out = alts[0];
  for (size_t i = 1; i < alts.size(); ++i) out += " | " + alts[i];
  return "(" + out + ")";
}

}  // namespace onboard::runtime::grammar
