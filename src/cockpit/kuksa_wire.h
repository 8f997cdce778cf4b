// How VSS values and errors travel over KUKSA.val v2: a VssValue becomes the typed
// kuksa.val.v2.Value of the signal's datatype (uint8 as uint32, int16 as int32, float as float,
// arrays as the *_array messages) and back; Onboard's ErrorCode maps onto gRPC status codes.
#pragma once

#include <grpcpp/support/status.h>

#include "cockpit/vss_tree.h"
#include "cockpit/vss_value.h"
#include "core/status.h"
#include "kuksa/val/v2/types.pb.h"

namespace onboard::cockpit {

// With the signal known, the value is coerced and sent in its datatype's field; a value that
// does not fit is sent as it is, so the broker judges it (and answers INVALID_ARGUMENT).
kuksa::val::v2::Value value_to_proto(const VssSignal* s, const VssValue& v);
VssValue value_from_proto(const kuksa::val::v2::Value& v);
// KUKSA checks the wire type: a uint8 signal takes uint32, not int64 or a string.
// kInvalidArgument names the path and both types.
Status check_wire_type(const VssSignal& s, const kuksa::val::v2::Value& v);

grpc::Status to_grpc_status(const Error& e);
Error from_grpc_status(const grpc::Status& s, std::string_view what);

kuksa::val::v2::DataType datatype_to_proto(const VssSignal& s);
kuksa::val::v2::EntryType entry_type_to_proto(VssNodeType t);

}  // namespace onboard::cockpit
