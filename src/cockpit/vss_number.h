// Numeric views of a VssValue: the cockpit compares targets with actual values across integer
// and floating alternatives (a uint8 window position of 30 equals a requested 30.0).
#pragma once

#include <cmath>
#include <optional>
#include <variant>

#include "cockpit/vss_value.h"

namespace onboard::cockpit {

inline std::optional<double> as_number(const VssValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  return std::nullopt;
}

// Equal values; numbers within 1e-3 (float signals round-trip through the broker).
inline bool same_value(const VssValue& a, const VssValue& b) {
  auto x = as_number(a), y = as_number(b);
  if (x && y) return std::fabs(*x - *y) < 1e-3;
  return a == b;
}

}  // namespace onboard::cockpit
