// GBNF for exactly the decimal integers in [lo, hi] as JSON writes them (no leading zeros, no
// "-0"); an open side is bounded by 16 digits, like the schema grammar's other numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace onboard::runtime::grammar {

std::string integer_range_gbnf(std::optional<int64_t> lo, std::optional<int64_t> hi);

}  // namespace onboard::runtime::grammar
