#include "runtime/grammar/json_schema_number_range.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "runtime/grammar/json_schema_integer_range.h"

namespace onboard::runtime::grammar {
namespace {

constexpr double kMaxMagnitude = 1e15;
constexpr size_t kMaxFractionDigits = 15;
const std::string kAnyDigits = "[0-9]{0,15}";  // a free tail, bounded like the other number rules

// A non-negative bound split into its integer part and its fraction's digits (no trailing zeros).
struct Decimal {
  int64_t integer = 0;
  std::string fraction;
  bool exclusive = false;
};

Expected<Decimal> to_decimal(double v, bool exclusive) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);  // shortest round trip
  if (r.ec != std::errc()) return make_error(ErrorCode::kUnsupported, "bound " + std::to_string(v) + " cannot be written as a decimal");
  std::string s(buf, r.ptr);
  Decimal d;
  d.exclusive = exclusive;
  const size_t dot = s.find('.');
  d.integer = std::stoll(s.substr(0, dot));
  if (dot != std::string::npos) d.fraction = s.substr(dot + 1);
  while (!d.fraction.empty() && d.fraction.back() == '0') d.fraction.pop_back();
  if (d.fraction.size() > kMaxFractionDigits)
    return make_error(ErrorCode::kUnsupported, "bound " + s + " has more than 15 fraction digits");
  return d;
}

std::string digits(char a, char b) {
  if (a == b) return std::string("\"") + a + "\"";
  return std::string("[") + a + "-" + b + "]";
}

// The fraction digits after the point, compared as values 0.d1d2... against the bounds' digits
// from position i on: a fraction's tail that may be empty (empty_ok) plus, when some non-empty
// tail qualifies, an expression for those (body). A bound whose digits are used up continues
// as zeros.
struct Tail {
  bool empty_ok = false;
  std::optional<std::string> body;  // non-empty tails only
};

std::string tail_expr(const Tail& t) {  // "" when only the empty tail qualifies
  if (!t.body) return "";
  return t.empty_ok ? "(" + *t.body + ")?" : "(" + *t.body + ")";
}

Tail fraction_tail(const Decimal* lo, const Decimal* hi, size_t i) {
  const bool lo_end = lo && i >= lo->fraction.size(), hi_end = hi && i >= hi->fraction.size();
  // Empty tail = value 0 from here: meets a lower bound only if that bound's rest is 0 too (and
  // inclusive), an upper bound unless that bound's rest is also 0 and exclusive.
  Tail t;
  t.empty_ok = (!lo || (lo_end && !lo->exclusive)) && (!hi || !hi_end || !hi->exclusive);
  if (!lo && !hi) {
    t.body = "[0-9] " + kAnyDigits;
    return t;
  }
  if (lo_end && !hi) {  // any rest >= 0, or > 0
    t.body = lo->exclusive ? "\"0\"{0,15} [1-9] " + kAnyDigits : "[0-9] " + kAnyDigits;
    return t;
  }
  if (hi_end && (!lo || lo_end)) {  // the rest must be 0
    if (!(hi->exclusive || (lo && lo->exclusive))) t.body = "\"0\"{1,15}";
    return t;
  }
  if (hi_end) return t;  // the lower bound's rest is > 0 = the upper's: nothing non-empty fits
  const char lo_d = lo ? (lo_end ? '0' : lo->fraction[i]) : '0';
  std::vector<std::string> alts;
  auto then = [&](char d, const Decimal* l, const Decimal* h) {
    const Tail rest = fraction_tail(l, h, i + 1);
    if (!rest.empty_ok && !rest.body) return;
    const std::string r = tail_expr(rest);
    alts.push_back(digits(d, d) + (r.empty() ? "" : " " + r));
  };
  const char hi_d = hi ? hi->fraction[i] : '9';
  if (!hi) {  // only the lower bound: its digit, then above it anything
    then(lo_d, lo, nullptr);
    if (lo_d < '9') alts.push_back(digits(static_cast<char>(lo_d + 1), '9') + " " + kAnyDigits);
  } else if (lo && lo_d == hi_d) {
    then(lo_d, lo, hi);
  } else if (lo && lo_d > hi_d) {
    // below the lower bound already at this digit: nothing
  } else {
    char from = '0';
    if (lo) {
      then(lo_d, lo, nullptr);
      from = static_cast<char>(lo_d + 1);
    }
    if (from < hi_d) alts.push_back(digits(from, static_cast<char>(hi_d - 1)) + " " + kAnyDigits);
    then(hi_d, nullptr, hi);
  }
  if (!alts.empty()) {
    std::string b = alts[0];
    for (size_t k = 1; k < alts.size(); ++k) b += " | " + alts[k];
    t.body = b;
  }
  return t;
}

// Integer part (a GBNF literal), then the fraction under the bounds (which share that integer
// part). nullopt when no number qualifies.
std::optional<std::string> with_fraction(const std::string& integer, const Decimal* lo, const Decimal* hi) {
  const Tail t = fraction_tail(lo, hi, 0);
  if (!t.body) {
    if (!t.empty_ok) return std::nullopt;
    return integer;
  }
  return integer + (t.empty_ok ? " (\".\" (" + *t.body + "))?" : " \".\" (" + *t.body + ")");
}

// Numbers >= 0 from lo (always given, >= 0) up to hi (when given, >= lo).
std::vector<std::string> non_negative(const Decimal& lo, const std::optional<Decimal>& hi) {
  std::vector<std::string> alts;
  auto add = [&](std::optional<std::string> a) {
    if (a) alts.push_back("(" + *a + ")");
  };
  const std::string lo_int = "\"" + std::to_string(lo.integer) + "\"";
  if (hi && hi->integer == lo.integer) {
    add(with_fraction(lo_int, &lo, &*hi));
    return alts;
  }
  add(with_fraction(lo_int, &lo, nullptr));
  const int64_t mid_lo = lo.integer + 1;
  const std::optional<int64_t> mid_hi = hi ? std::optional<int64_t>(hi->integer - 1) : std::nullopt;
  if (!mid_hi || mid_lo <= *mid_hi) add("(" + integer_range_gbnf(mid_lo, mid_hi) + ") (\".\" [0-9] " + kAnyDigits + ")?");
  if (hi) add(with_fraction("\"" + std::to_string(hi->integer) + "\"", nullptr, &*hi));
  return alts;
}

std::string join(const std::vector<std::string>& alts) {
  std::string out;
  for (const auto& a : alts) out += (out.empty() ? "" : " | ") + a;
  return out;
}

}  // namespace

Expected<std::string> number_range_gbnf(std::optional<NumberBound> lo, std::optional<NumberBound> hi) {
  if (!lo && !hi) return make_error(ErrorCode::kInvalidArgument, "number range without bounds");
  for (const auto* b : {&lo, &hi})
    if (*b && !(std::fabs((*b)->value) <= kMaxMagnitude))
      return make_error(ErrorCode::kUnsupported, "bound " + std::to_string((*b)->value) + " is beyond 1e15 in magnitude");
  if (lo && hi && (lo->value > hi->value || (lo->value == hi->value && (lo->exclusive || hi->exclusive))))
    return make_error(ErrorCode::kInvalidArgument, "no number lies between the bounds");

  std::vector<std::string> alts;
  // Negative numbers, written "-" and their magnitude: magnitude in (0 or -hi, -lo].
  const bool has_negative = !lo || lo->value < 0;
  if (has_negative) {
    Decimal from;  // smallest magnitude
    if (hi && hi->value < 0) {
      ONBOARD_ASSIGN_OR_RETURN(from, to_decimal(-hi->value, hi->exclusive));
    } else {
      from.exclusive = true;  // strictly negative: no "-0"
    }
    std::optional<Decimal> to;
    if (lo) {
      ONBOARD_ASSIGN_OR_RETURN(Decimal d, to_decimal(-lo->value, lo->exclusive));
      to = d;
    }
    const auto mags = non_negative(from, to);
    if (!mags.empty()) alts.push_back("\"-\" (" + join(mags) + ")");
  }
  // Numbers >= 0: from max(lo, 0) up to hi.
  if (!hi || hi->value > 0 || (hi->value == 0 && !hi->exclusive)) {
    Decimal from;
    if (lo && lo->value >= 0) {
      ONBOARD_ASSIGN_OR_RETURN(from, to_decimal(lo->value, lo->exclusive));
    }
    std::optional<Decimal> to;
    if (hi) {
      ONBOARD_ASSIGN_OR_RETURN(Decimal d, to_decimal(hi->value, hi->exclusive));
      to = d;
    }
    for (auto& a : non_negative(from, to)) alts.push_back(a);
  }
  if (alts.empty()) return make_error(ErrorCode::kInvalidArgument, "no number lies between the bounds");
  return join(alts);
}

}  // namespace onboard::runtime::grammar
