// GBNF for JSON numbers in a real interval (JSON Schema's minimum / maximum / exclusive* on type
// "number"): plain decimals, no exponent, so every sentence is checked digit by digit against
// the bounds' own decimal digits and nothing outside the interval can be generated.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"

namespace onboard::runtime::grammar {

struct NumberBound {
  double value = 0;
  bool exclusive = false;
};

// kInvalidArgument when no number lies between the bounds; kUnsupported for a bound beyond
// 1e15 in magnitude or with more than 15 fraction digits. Both bounds absent: an error too
// (the caller uses its unbounded number rule).
Expected<std::string> number_range_gbnf(std::optional<NumberBound> lo, std::optional<NumberBound> hi);

}  // namespace onboard::runtime::grammar
