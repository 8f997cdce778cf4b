#include "cockpit/kuksa_wire.h"

namespace onboard::cockpit {
namespace {

using kuksa::val::v2::Value;

template <typename Array, typename Element>
void fill_array(Array* out, const nlohmann::json& arr) {
  for (const auto& e : arr) out->add_values(e.get<Element>());
}

template <typename Array>
nlohmann::json array_to_json(const Array& a) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : a.values()) out.push_back(e);
  return out;
}

Value raw_to_proto(const VssValue& v) {
  Value out;
  if (auto* b = std::get_if<bool>(&v)) out.set_bool_(*b);
  else if (auto* i = std::get_if<int64_t>(&v)) out.set_int64(*i);
  else if (auto* u = std::get_if<uint64_t>(&v)) out.set_uint64(*u);
  else if (auto* d = std::get_if<double>(&v)) out.set_double_(*d);
  else if (auto* s = std::get_if<std::string>(&v)) out.set_string(*s);
  return out;
}

}  // namespace

Value value_to_proto(const VssSignal* s, const VssValue& v) {
  if (!s) return raw_to_proto(v);
  auto coerced = coerce_value(*s, v);
  if (!coerced.ok()) return raw_to_proto(v);
  const VssValue& c = *coerced;
  Value out;
  if (s->is_array) {
    auto arr = nlohmann::json::parse(std::get<std::string>(c));
    switch (s->datatype) {
      case VssDatatype::kBoolean: fill_array<kuksa::val::v2::BoolArray, bool>(out.mutable_bool_array(), arr); break;
      case VssDatatype::kString: fill_array<kuksa::val::v2::StringArray, std::string>(out.mutable_string_array(), arr); break;
      case VssDatatype::kInt8: case VssDatatype::kInt16: case VssDatatype::kInt32:
        fill_array<kuksa::val::v2::Int32Array, int32_t>(out.mutable_int32_array(), arr); break;
      case VssDatatype::kInt64: fill_array<kuksa::val::v2::Int64Array, int64_t>(out.mutable_int64_array(), arr); break;
      case VssDatatype::kUint8: case VssDatatype::kUint16: case VssDatatype::kUint32:
        fill_array<kuksa::val::v2::Uint32Array, uint32_t>(out.mutable_uint32_array(), arr); break;
      case VssDatatype::kUint64: fill_array<kuksa::val::v2::Uint64Array, uint64_t>(out.mutable_uint64_array(), arr); break;
      case VssDatatype::kFloat: fill_array<kuksa::val::v2::FloatArray, float>(out.mutable_float_array(), arr); break;
      case VssDatatype::kDouble: fill_array<kuksa::val::v2::DoubleArray, double>(out.mutable_double_array(), arr); break;
    }
    return out;
  }
  switch (s->datatype) {
    case VssDatatype::kBoolean: out.set_bool_(std::get<bool>(c)); break;
    case VssDatatype::kString: out.set_string(std::get<std::string>(c)); break;
    case VssDatatype::kInt8: case VssDatatype::kInt16: case VssDatatype::kInt32:
      out.set_int32(static_cast<int32_t>(std::get<int64_t>(c))); break;
    case VssDatatype::kInt64: out.set_int64(std::get<int64_t>(c)); break;
    case VssDatatype::kUint8: case VssDatatype::kUint16: case VssDatatype::kUint32:
      out.set_uint32(static_cast<uint32_t>(std::get<uint64_t>(c))); break;
    case VssDatatype::kUint64: out.set_uint64(std::get<uint64_t>(c)); break;
    case VssDatatype::kFloat: out.set_float_(static_cast<float>(std::get<double>(c))); break;
    case VssDatatype::kDouble: out.set_double_(std::get<double>(c)); break;
  }
  return out;
}

VssValue value_from_proto(const Value& v) {
  switch (v.typed_value_case()) {
    case Value::kString: return v.string();
    case Value::kBool: return v.bool_();
    case Value::kInt32: return int64_t{v.int32()};
    case Value::kInt64: return int64_t{v.int64()};
    case Value::kUint32: return uint64_t{v.uint32()};
    case Value::kUint64: return uint64_t{v.uint64()};
    case Value::kFloat: return static_cast<double>(v.float_());
    case Value::kDouble: return v.double_();
    case Value::kStringArray: return array_to_json(v.string_array()).dump();
    case Value::kBoolArray: return array_to_json(v.bool_array()).dump();
    case Value::kInt32Array: return array_to_json(v.int32_array()).dump();
    case Value::kInt64Array: return array_to_json(v.int64_array()).dump();
    case Value::kUint32Array: return array_to_json(v.uint32_array()).dump();
    case Value::kUint64Array: return array_to_json(v.uint64_array()).dump();
    case Value::kFloatArray: return array_to_json(v.float_array()).dump();
    case Value::kDoubleArray: return array_to_json(v.double_array()).dump();
    case Value::TYPED_VALUE_NOT_SET: break;
  }
  return std::monostate{};
}

Status check_wire_type(const VssSignal& s, const Value& v) {
  VssSignal probe = s;
  VssValue sample;  // a value of the datatype, to learn which field it travels in
  switch (s.datatype) {
    case VssDatatype::kBoolean: sample = false; break;
    case VssDatatype::kString: sample = std::string(); break;
    case VssDatatype::kFloat: case VssDatatype::kDouble: sample = 0.0; break;
    case VssDatatype::kInt8: case VssDatatype::kInt16: case VssDatatype::kInt32: case VssDatatype::kInt64:
      sample = int64_t{0}; break;
    default: sample = uint64_t{0}; break;
  }
  if (s.is_array) sample = std::string("[]");
  probe.min.reset();
  probe.max.reset();
  probe.allowed.clear();
  const auto expected = value_to_proto(&probe, sample).typed_value_case();
  if (v.typed_value_case() == expected) return Status::Ok();
  if (v.typed_value_case() == Value::TYPED_VALUE_NOT_SET)
    return make_error(ErrorCode::kInvalidArgument, s.path + ": no value given");
  return make_error(ErrorCode::kInvalidArgument, s.path + ": value of the wrong type (field " +
                                                     std::to_string(v.typed_value_case()) + ", the " + std::string(to_string(s.datatype)) +
                                                     (s.is_array ? "[]" : "") + " signal takes field " + std::to_string(expected) + ")");
}

grpc::Status to_grpc_status(const Error& e) {
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (e.code) {
    case ErrorCode::kInvalidArgument: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case ErrorCode::kNotFound: code = grpc::StatusCode::NOT_FOUND; break;
    case ErrorCode::kUnavailable: code = grpc::StatusCode::UNAVAILABLE; break;
    case ErrorCode::kPermissionDenied: code = grpc::StatusCode::PERMISSION_DENIED; break;
    case ErrorCode::kOutOfRange: code = grpc::StatusCode::OUT_OF_RANGE; break;
    case ErrorCode::kUnsupported: code = grpc::StatusCode::UNIMPLEMENTED; break;
    case ErrorCode::kCancelled: code = grpc::StatusCode::CANCELLED; break;
    default: break;
  }
  return grpc::Status(code, e.message);
}

Error from_grpc_status(const grpc::Status& s, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (s.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: code = ErrorCode::kInvalidArgument; break;
    case grpc::StatusCode::NOT_FOUND: code = ErrorCode::kNotFound; break;
    case grpc::StatusCode::UNAVAILABLE: code = ErrorCode::kUnavailable; break;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED: code = ErrorCode::kPermissionDenied; break;
    case grpc::StatusCode::OUT_OF_RANGE: code = ErrorCode::kOutOfRange; break;
    case grpc::StatusCode::UNIMPLEMENTED: code = ErrorCode::kUnsupported; break;
    case grpc::StatusCode::CANCELLED: code = ErrorCode::kCancelled; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = ErrorCode::kUnavailable; break;
    default: break;
  }
  return make_error(code, std::string(what) + ": " + s.error_message());
}

kuksa::val::v2::DataType datatype_to_proto(const VssSignal& s) {
  using kuksa::val::v2::DataType;
  static constexpr DataType kScalar[] = {
      kuksa::val::v2::DATA_TYPE_BOOLEAN, kuksa::val::v2::DATA_TYPE_INT8,   kuksa::val::v2::DATA_TYPE_INT16,
      kuksa::val::v2::DATA_TYPE_INT32,   kuksa::val::v2::DATA_TYPE_INT64,  kuksa::val::v2::DATA_TYPE_UINT8,
      kuksa::val::v2::DATA_TYPE_UINT16,  kuksa::val::v2::DATA_TYPE_UINT32, kuksa::val::v2::DATA_TYPE_UINT64,
      kuksa::val::v2::DATA_TYPE_FLOAT,   kuksa::val::v2::DATA_TYPE_DOUBLE, kuksa::val::v2::DATA_TYPE_STRING};
  static constexpr DataType kArray[] = {
      kuksa::val::v2::DATA_TYPE_BOOLEAN_ARRAY, kuksa::val::v2::DATA_TYPE_INT8_ARRAY,   kuksa::val::v2::DATA_TYPE_INT16_ARRAY,
      kuksa::val::v2::DATA_TYPE_INT32_ARRAY,   kuksa::val::v2::DATA_TYPE_INT64_ARRAY,  kuksa::val::v2::DATA_TYPE_UINT8_ARRAY,
      kuksa::val::v2::DATA_TYPE_UINT16_ARRAY,  kuksa::val::v2::DATA_TYPE_UINT32_ARRAY, kuksa::val::v2::DATA_TYPE_UINT64_ARRAY,
      kuksa::val::v2::DATA_TYPE_FLOAT_ARRAY,   kuksa::val::v2::DATA_TYPE_DOUBLE_ARRAY, kuksa::val::v2::DATA_TYPE_STRING_ARRAY};
  const auto i = static_cast<size_t>(s.datatype);  // VssDatatype lists the types in this order
  return s.is_array ? kArray[i] : kScalar[i];
}

kuksa::val::v2::EntryType entry_type_to_proto(VssNodeType t) {
  switch (t) {
    case VssNodeType::kSensor: return kuksa::val::v2::ENTRY_TYPE_SENSOR;
    case VssNodeType::kActuator: return kuksa::val::v2::ENTRY_TYPE_ACTUATOR;
    case VssNodeType::kAttribute: return kuksa::val::v2::ENTRY_TYPE_ATTRIBUTE;
  }
  return kuksa::val::v2::ENTRY_TYPE_UNSPECIFIED;
}

}  // namespace onboard::cockpit
