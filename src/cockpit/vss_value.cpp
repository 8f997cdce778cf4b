#include "cockpit/vss_value.h"

#include <algorithm>
#include <charconv>
#include <cfloat>
#include <cmath>
#include <limits>

namespace onboard::cockpit {
namespace {

Error invalid(const VssSignal& s, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, s.path + ": " + what);
}

bool is_signed(VssDatatype t) {
  return t == VssDatatype::kInt8 || t == VssDatatype::kInt16 || t == VssDatatype::kInt32 || t == VssDatatype::kInt64;
}
bool is_unsigned(VssDatatype t) {
  return t == VssDatatype::kUint8 || t == VssDatatype::kUint16 || t == VssDatatype::kUint32 || t == VssDatatype::kUint64;
}

// The range the datatype itself can hold.
std::pair<double, double> datatype_range(VssDatatype t) {
  switch (t) {
    case VssDatatype::kInt8: return {-128.0, 127.0};
    case VssDatatype::kInt16: return {-32768.0, 32767.0};
    case VssDatatype::kInt32: return {-2147483648.0, 2147483647.0};
    case VssDatatype::kInt64: return {-9223372036854775808.0, 9223372036854775807.0};
    case VssDatatype::kUint8: return {0.0, 255.0};
    case VssDatatype::kUint16: return {0.0, 65535.0};
    case VssDatatype::kUint32: return {0.0, 4294967295.0};
    case VssDatatype::kUint64: return {0.0, 18446744073709551615.0};
    case VssDatatype::kFloat: return {-FLT_MAX, FLT_MAX};
    default: return {-DBL_MAX, DBL_MAX};
  }
}

std::optional<double> as_number(const VssValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

std::string format_number(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

Expected<VssValue> coerce_scalar(const VssSignal& s, const VssValue& v) {
  const std::string shown = value_to_string(v);
  if (std::holds_alternative<std::monostate>(v)) return invalid(s, "no value given");
  if (s.datatype == VssDatatype::kBoolean) {
    if (std::holds_alternative<bool>(v)) return v;
    return invalid(s, "value " + shown + " is not a boolean");
  }
  if (s.datatype == VssDatatype::kString) {
    if (std::holds_alternative<std::string>(v)) return v;
    return invalid(s, "value " + shown + " is not a string");
  }
  auto number = as_number(v);
  if (!number) return invalid(s, "value '" + shown + "' is not a number (datatype " + std::string(to_string(s.datatype)) + ")");
  if (!std::isfinite(*number)) return invalid(s, "value " + shown + " is not finite");
  auto [lo, hi] = datatype_range(s.datatype);
  const bool integral = is_signed(s.datatype) || is_unsigned(s.datatype);
  if (integral && std::holds_alternative<double>(v) && std::trunc(*number) != *number)
    return invalid(s, "value " + shown + " is not an integer (datatype " + std::string(to_string(s.datatype)) + ")");
  // Exact checks for the 64-bit integers, whose bounds doubles cannot hold exactly.
  if (is_signed(s.datatype)) {
    if (auto* u = std::get_if<uint64_t>(&v); u && *u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return invalid(s, "value " + shown + " does not fit " + std::string(to_string(s.datatype)));
  }
  if (is_unsigned(s.datatype)) {
    if (auto* i = std::get_if<int64_t>(&v); i && *i < 0)
      return invalid(s, "value " + shown + " is negative (datatype " + std::string(to_string(s.datatype)) + ")");
  }
  if (*number < lo || *number > hi)
    return invalid(s, "value " + shown + " does not fit " + std::string(to_string(s.datatype)));
  if (is_signed(s.datatype)) {
    if (auto* i = std::get_if<int64_t>(&v)) return VssValue{*i};
    if (auto* u = std::get_if<uint64_t>(&v)) return VssValue{static_cast<int64_t>(*u)};
    return VssValue{static_cast<int64_t>(*number)};
  }
  if (is_unsigned(s.datatype)) {
    if (auto* u = std::get_if<uint64_t>(&v)) return VssValue{*u};
    if (auto* i = std::get_if<int64_t>(&v)) return VssValue{static_cast<uint64_t>(*i)};
    return VssValue{static_cast<uint64_t>(*number)};
  }
  if (s.datatype == VssDatatype::kFloat) return VssValue{static_cast<double>(static_cast<float>(*number))};
  return VssValue{*number};
}

Expected<VssValue> scalar_from_json(const VssSignal& s, const nlohmann::json& j) {
  if (j.is_boolean()) return coerce_scalar(s, VssValue{j.get<bool>()});
  if (j.is_number_unsigned()) return coerce_scalar(s, VssValue{j.get<uint64_t>()});
  if (j.is_number_integer()) return coerce_scalar(s, VssValue{j.get<int64_t>()});
  if (j.is_number_float()) return coerce_scalar(s, VssValue{j.get<double>()});
  if (!j.is_string()) return invalid(s, "value " + j.dump() + " is not a " + std::string(to_string(s.datatype)));
  const std::string text = j.get<std::string>();
  if (s.datatype == VssDatatype::kString) return VssValue{text};
  if (s.datatype == VssDatatype::kBoolean) {
    if (text == "true") return VssValue{true};
    if (text == "false") return VssValue{false};
    return invalid(s, "value '" + text + "' is not a boolean (true or false)");
  }
  // A number written as text ("22", "-3", "21.5").
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (is_signed(s.datatype) || is_unsigned(s.datatype)) {
    int64_t i = 0;
    if (auto r = std::from_chars(begin, end, i); r.ec == std::errc() && r.ptr == end) return coerce_scalar(s, VssValue{i});
    uint64_t u = 0;
    if (auto r = std::from_chars(begin, end, u); r.ec == std::errc() && r.ptr == end) return coerce_scalar(s, VssValue{u});
  }
  double d = 0;
  if (auto r = std::from_chars(begin, end, d); r.ec == std::errc() && r.ptr == end && !text.empty())
    return coerce_scalar(s, VssValue{d});
  return invalid(s, "value '" + text + "' is not a number (datatype " + std::string(to_string(s.datatype)) + ")");
}

// Arrays: every element is coerced and limit-checked as a scalar of the same signal.
Expected<VssValue> coerce_array(const VssSignal& s, const VssValue& v, bool check_limits) {
  const auto* text = std::get_if<std::string>(&v);
  if (!text) return invalid(s, "value " + value_to_string(v) + " is not an array (datatype " + std::string(to_string(s.datatype)) + "[])");
  auto arr = nlohmann::json::parse(*text, nullptr, false);
  if (arr.is_discarded() || !arr.is_array()) return invalid(s, "value '" + *text + "' is not a JSON array");
  VssSignal element = s;
  element.is_array = false;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : arr) {
    auto one = scalar_from_json(element, e);
    if (!one.ok()) return one.error();
    if (check_limits) ONBOARD_TRY(check_value(element, *one));
    out.push_back(value_to_json(*one));
  }
  return VssValue{out.dump()};
}

}  // namespace

Expected<VssValue> coerce_value(const VssSignal& s, const VssValue& v) {
  if (s.is_array) return coerce_array(s, v, false);
  return coerce_scalar(s, v);
}

Status check_value(const VssSignal& s, const VssValue& v) {
  if (s.is_array) {
    auto checked = coerce_array(s, v, true);
    return checked.ok() ? Status::Ok() : Status(checked.error());
  }
  auto c = coerce_scalar(s, v);
  if (!c.ok()) return c.error();
  if (auto n = as_number(*c)) {
    if (s.min && *n < *s.min)
      return invalid(s, "value " + value_to_string(*c) + " is below min " + format_number(*s.min) + (s.unit.empty() ? "" : " " + s.unit));
    if (s.max && *n > *s.max)
      return invalid(s, "value " + value_to_string(*c) + " is above max " + format_number(*s.max) + (s.unit.empty() ? "" : " " + s.unit));
  }
  if (!s.allowed.empty()) {
    const std::string shown = value_to_string(*c);
    if (std::find(s.allowed.begin(), s.allowed.end(), shown) == s.allowed.end()) {
      std::string list;
      for (const auto& a : s.allowed) list += (list.empty() ? "" : ", ") + a;
      return invalid(s, "value '" + shown + "' is not allowed (allowed: " + list + ")");
    }
  }
  return Status::Ok();
}

Expected<VssValue> value_from_json(const VssSignal& s, const nlohmann::json& j) {
  if (j.is_null()) return invalid(s, "no value given (null)");
  if (s.is_array) {
    if (j.is_array()) return coerce_array(s, VssValue{j.dump()}, false);
    if (j.is_string()) return coerce_array(s, VssValue{j.get<std::string>()}, false);
    return invalid(s, "value " + j.dump() + " is not an array");
  }
  return scalar_from_json(s, j);
}

nlohmann::json value_to_json(const VssValue& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::monostate>) return nullptr;
        else return x;
      },
      v);
}

std::string value_to_string(const VssValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "n/a";
        else if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, double>) return format_number(x);
        else return std::to_string(x);
      },
      v);
}

}  // namespace onboard::cockpit
