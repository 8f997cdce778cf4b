// One VSS signal value and its checks against the signal's datatype, min/max and allowed
// values (the checks KUKSA's databroker applies before it forwards an actuation).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "cockpit/vss_tree.h"
#include "core/status.h"

namespace onboard::cockpit {

// monostate = not available (no value yet). Integer datatypes hold int64_t (signed) or
// uint64_t (unsigned), float/double hold double; arrays ("string[]", …) travel as a string
// holding the JSON array text.
using VssValue = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string>;

// The value in the alternative the signal's datatype uses (22 → 22.0 for a float, an
// integral 3.0 → 3 for an int8), checked against the datatype's own range (int8: −128…127)
// but not against the signal's min/max/allowed. kInvalidArgument names path and value.
Expected<VssValue> coerce_value(const VssSignal& s, const VssValue& v);

// Datatype, min/max and allowed; kInvalidArgument naming path, value and the bound.
Status check_value(const VssSignal& s, const VssValue& v);

// "22", 22, 22.0 → per datatype (coerce_value; limits are check_value's); errors name path.
Expected<VssValue> value_from_json(const VssSignal& s, const nlohmann::json& j);

nlohmann::json value_to_json(const VssValue& v);
std::string value_to_string(const VssValue& v);  // "22.5", "true", "OPEN"; "n/a" for none

}  // namespace onboard::cockpit
