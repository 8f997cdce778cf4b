#include "vision/tflite_model.h"

#include <cstring>
#include <optional>

namespace onboard::vision {
namespace {

// Field indices of the schema's tables (vtable slot = 4 + 2 * index).
namespace model_field { constexpr int kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kBuffers = 4; }
namespace opcode_field { constexpr int kDeprecatedBuiltin = 0, kCustomCode = 1, kBuiltin = 3; }
namespace subgraph_field { constexpr int kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3; }
namespace tensor_field { constexpr int kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kSparsity = 6; }
namespace quant_field { constexpr int kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kDetails = 5; }
namespace operator_field { constexpr int kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kOptionsType = 3, kOptions = 4, kCustomOptions = 5; }
constexpr int kBufferData = 0;

// The flatbuffer primitives over a byte span; every access is bounds-checked.
class Flatbuffer {
 public:
  explicit Flatbuffer(std::span<const uint8_t> b) : b_(b) {}

  struct Table {
    size_t pos = 0, vtable = 0;
    uint16_t vtable_size = 0;
  };
  struct Vector {
    size_t pos = 0;  // first element
    uint32_t size = 0;
  };

  template <typename T>
  Expected<T> scalar(size_t pos, const std::string& where) const {
    if (pos > b_.size() || b_.size() - pos < sizeof(T))
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": offset " + std::to_string(pos) +
                                                 " past the end of the file (" + std::to_string(b_.size()) + " bytes)");
    T v;
    std::memcpy(&v, b_.data() + pos, sizeof(T));
    return v;
  }

  Expected<Table> table(size_t pos, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(int32_t soff, scalar<int32_t>(pos, where));
    const int64_t vt = static_cast<int64_t>(pos) - soff;
    if (vt < 0 || static_cast<uint64_t>(vt) + 4 > b_.size())
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": vtable offset " + std::to_string(vt) +
                                                 " of the table at " + std::to_string(pos) + " is outside the file");
    Table t{pos, static_cast<size_t>(vt), 0};
    ONBOARD_ASSIGN_OR_RETURN(t.vtable_size, scalar<uint16_t>(t.vtable, where));
    ONBOARD_ASSIGN_OR_RETURN(uint16_t inline_size, scalar<uint16_t>(t.vtable + 2, where));
    if (t.vtable_size < 4 || t.vtable_size % 2 != 0 || t.vtable + t.vtable_size > b_.size() ||
        pos + inline_size > b_.size() || inline_size < 4)
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": malformed vtable at " + std::to_string(t.vtable));
    return t;
  }

  // Position of a field's inline data, or nullopt when absent (default value).
  Expected<std::optional<size_t>> field(const Table& t, int index, const std::string& where) const {
    const size_t slot = 4 + 2 * static_cast<size_t>(index);
    if (slot + 2 > t.vtable_size) return std::optional<size_t>{};
    ONBOARD_ASSIGN_OR_RETURN(uint16_t off, scalar<uint16_t>(t.vtable + slot, where));
    if (off == 0) return std::optional<size_t>{};
    return std::optional<size_t>{t.pos + off};
  }

  template <typename T>
  Expected<T> field_scalar(const Table& t, int index, T dflt, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(auto p, field(t, index, where));
    if (!p) return dflt;
    return scalar<T>(*p, where);
  }

  // Follows a uoffset_t field; nullopt when the field is absent.
  Expected<std::optional<size_t>> follow(const Table& t, int index, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(auto p, field(t, index, where));
    if (!p) return std::optional<size_t>{};
    ONBOARD_ASSIGN_OR_RETURN(uint32_t off, scalar<uint32_t>(*p, where));
    const uint64_t target = *p + static_cast<uint64_t>(off);
    if (off == 0 || target >= b_.size())
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": offset " + std::to_string(target) + " is outside the file");
    return std::optional<size_t>{static_cast<size_t>(target)};
  }

  Expected<std::optional<Table>> table_field(const Table& t, int index, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(auto p, follow(t, index, where));
    if (!p) return std::optional<Table>{};
    ONBOARD_ASSIGN_OR_RETURN(Table sub, table(*p, where));
    return std::optional<Table>{sub};
  }

  Expected<Vector> vector_at(size_t pos, size_t elem_size, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(uint32_t n, scalar<uint32_t>(pos, where));
    if (static_cast<uint64_t>(n) * elem_size > b_.size() - pos - 4)
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": vector of " + std::to_string(n) +
                                                 " elements at " + std::to_string(pos) + " runs past the end of the file");
    return Vector{pos + 4, n};
  }

  // An absent vector reads as empty.
  Expected<Vector> vector_field(const Table& t, int index, size_t elem_size, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(auto p, follow(t, index, where));
    if (!p) return Vector{};
    return vector_at(*p, elem_size, where);
  }

  Expected<Table> table_element(const Vector& v, uint32_t i, const std::string& where) const {
    const size_t p = v.pos + 4 * static_cast<size_t>(i);
    ONBOARD_ASSIGN_OR_RETURN(uint32_t off, scalar<uint32_t>(p, where));
    const uint64_t target = p + static_cast<uint64_t>(off);
    if (off == 0 || target >= b_.size())
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": offset " + std::to_string(target) + " is outside the file");
    return table(static_cast<size_t>(target), where);
  }

  Expected<std::vector<int>> int_vector(const Table& t, int index, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(Vector v, vector_field(t, index, 4, where));
    std::vector<int> out(v.size);
    if (v.size != 0) std::memcpy(out.data(), b_.data() + v.pos, 4 * static_cast<size_t>(v.size));
    return out;
  }

  Expected<std::string> string_field(const Table& t, int index, const std::string& where) const {
    ONBOARD_ASSIGN_OR_RETURN(Vector v, vector_field(t, index, 1, where));
    return std::string(reinterpret_cast<const char*>(b_.data() + v.pos), v.size);
  }

  std::span<const uint8_t> bytes(const Vector& v) const { return b_.subspan(v.pos, v.size); }

 private:
  std::span<const uint8_t> b_;
};

using Table = Flatbuffer::Table;

Expected<OpCode> accepted_op(int32_t code, const std::string& where) {
  switch (code) {
    case 0: case 2: case 3: case 4: case 6: case 17: case 19: case 22: case 34: case 54:
      return static_cast<OpCode>(code);
    default:
      return make_error(ErrorCode::kUnsupported, "tflite: " + where + ": builtin operator " + std::to_string(code) +
                                                     " is not supported (only the ops of MediaPipe's face models)");
  }
}

Expected<Activation> accepted_activation(int8_t a, const std::string& where) {
  if (a == 0 || a == 1 || a == 3) return static_cast<Activation>(a);
  return make_error(ErrorCode::kUnsupported, "tflite: " + where + ": fused activation " + std::to_string(a) + " is not supported");
}

Expected<Padding> accepted_padding(int8_t p, const std::string& where) {
  if (p == 0 || p == 1) return static_cast<Padding>(p);
  return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": unknown padding " + std::to_string(p));
}

// The builtin options table of one operator; union type ids as in the schema (BuiltinOptions).
Status read_options(const Flatbuffer& fb, const Table& op_table, TfliteOperator& op, const std::string& where) {
  ONBOARD_ASSIGN_OR_RETURN(uint8_t type, fb.field_scalar<uint8_t>(op_table, operator_field::kOptionsType, 0, where));
  ONBOARD_ASSIGN_OR_RETURN(auto opt, fb.table_field(op_table, operator_field::kOptions, where + " options"));
  // Which union member each op carries: Conv2DOptions 1, DepthwiseConv2DOptions 2, Pool2DOptions 5,
  // ConcatenationOptions 10, AddOptions 11, ReshapeOptions 17, PadOptions 22, DequantizeOptions 74.
  int expected = 0;
  switch (op.code) {
    case OpCode::kConv2d: expected = 1; break;
    case OpCode::kDepthwiseConv2d: expected = 2; break;
    case OpCode::kMaxPool2d: expected = 5; break;
    case OpCode::kConcatenation: expected = 10; break;
    case OpCode::kAdd: expected = 11; break;
    default: expected = 0; break;  // options (if any) carry nothing we need
  }
  if (expected == 0) return Status::Ok();
  if (!opt || type != expected)
    return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": builtin options of type " + std::to_string(type) +
                                               " where " + std::to_string(expected) + " was expected");
  const Table& o = *opt;
  auto i32 = [&](int idx, int32_t dflt) { return fb.field_scalar<int32_t>(o, idx, dflt, where); };
  auto i8 = [&](int idx) { return fb.field_scalar<int8_t>(o, idx, 0, where); };
  auto activation_at = [&](int idx) -> Status {
    ONBOARD_ASSIGN_OR_RETURN(int8_t act, i8(idx));
    ONBOARD_ASSIGN_OR_RETURN(op.activation, accepted_activation(act, where));
    return Status::Ok();
  };
  // The convolutions and the pool open their options alike: padding, stride_w, stride_h.
  auto window_head = [&]() -> Status {
    ONBOARD_ASSIGN_OR_RETURN(int8_t pad, i8(0));
    ONBOARD_ASSIGN_OR_RETURN(op.padding, accepted_padding(pad, where));
    ONBOARD_ASSIGN_OR_RETURN(op.stride_w, i32(1, 1));
    ONBOARD_ASSIGN_OR_RETURN(op.stride_h, i32(2, 1));
    return Status::Ok();
  };
  switch (op.code) {
    case OpCode::kConv2d: {
      ONBOARD_TRY(window_head());
      ONBOARD_TRY(activation_at(3));
      ONBOARD_ASSIGN_OR_RETURN(op.dilation_w, i32(4, 1));
      ONBOARD_ASSIGN_OR_RETURN(op.dilation_h, i32(5, 1));
      break;
    }
    case OpCode::kDepthwiseConv2d: {
      ONBOARD_TRY(window_head());
      ONBOARD_ASSIGN_OR_RETURN(op.depth_multiplier, i32(3, 1));
      ONBOARD_TRY(activation_at(4));
      ONBOARD_ASSIGN_OR_RETURN(op.dilation_w, i32(5, 1));
      ONBOARD_ASSIGN_OR_RETURN(op.dilation_h, i32(6, 1));
      break;
    }
    case OpCode::kMaxPool2d: {
      ONBOARD_TRY(window_head());
      ONBOARD_ASSIGN_OR_RETURN(op.filter_w, i32(3, 1));
      ONBOARD_ASSIGN_OR_RETURN(op.filter_h, i32(4, 1));
      ONBOARD_TRY(activation_at(5));
      break;
    }
    case OpCode::kConcatenation: {
      ONBOARD_ASSIGN_OR_RETURN(op.axis, i32(0, 0));
      ONBOARD_TRY(activation_at(1));
      break;
    }
    case OpCode::kAdd: {
      ONBOARD_TRY(activation_at(0));
      break;
    }
    default: break;
  }
  if (op.stride_w < 1 || op.stride_h < 1 || op.dilation_w < 1 || op.dilation_h < 1 || op.filter_w < 1 ||
      op.filter_h < 1 || op.depth_multiplier < 1 || op.stride_w > 64 || op.stride_h > 64 || op.dilation_w > 64 ||
      op.dilation_h > 64 || op.filter_w > 64 || op.filter_h > 64 || op.depth_multiplier > 64)
    return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": stride/dilation/filter/depth multiplier out of range");
  return Status::Ok();
}

Status check_quantization(const Flatbuffer& fb, const Table& t, const std::string& where) {
  ONBOARD_ASSIGN_OR_RETURN(auto q, fb.table_field(t, tensor_field::kQuantization, where));
  if (!q) return Status::Ok();
  for (int f : {quant_field::kMin, quant_field::kMax, quant_field::kScale, quant_field::kZeroPoint}) {
    ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector v, fb.vector_field(*q, f, 4, where));
    if (v.size != 0)
      return make_error(ErrorCode::kUnsupported, "tflite: " + where + " is quantized (only float models are supported)");
  }
  ONBOARD_ASSIGN_OR_RETURN(auto details, fb.field(*q, quant_field::kDetails, where));
  if (details) return make_error(ErrorCode::kUnsupported, "tflite: " + where + " has custom quantization");
  return Status::Ok();
}

size_t element_size(TensorType t) { return t == TensorType::kFloat16 ? 2 : 4; }

}  // namespace

const char* op_name(OpCode code) {
  switch (code) {
    case OpCode::kAdd: return "ADD";
    case OpCode::kConcatenation: return "CONCATENATION";
    case OpCode::kConv2d: return "CONV_2D";
    case OpCode::kDepthwiseConv2d: return "DEPTHWISE_CONV_2D";
    case OpCode::kDequantize: return "DEQUANTIZE";
    case OpCode::kMaxPool2d: return "MAX_POOL_2D";
    case OpCode::kRelu: return "RELU";
    case OpCode::kReshape: return "RESHAPE";
    case OpCode::kPad: return "PAD";
    case OpCode::kPrelu: return "PRELU";
  }
  return "?";
}

int64_t TfliteTensor::elements() const {
  int64_t n = 1;
  for (int d : shape) n *= d;
  return n;
}

Expected<TfliteModel> parse_tflite(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data() + 4, "TFL3", 4) != 0)
    return make_error(ErrorCode::kCorrupt, "tflite: no TFL3 file identifier at offset 4 (not a TensorFlow Lite model)");
  Flatbuffer fb(bytes);
  ONBOARD_ASSIGN_OR_RETURN(uint32_t root_off, fb.scalar<uint32_t>(0, "root offset"));
  ONBOARD_ASSIGN_OR_RETURN(Table root, fb.table(root_off, "model table"));
  ONBOARD_ASSIGN_OR_RETURN(uint32_t version, fb.field_scalar<uint32_t>(root, model_field::kVersion, 0, "model version"));
  if (version != 3)
    return make_error(ErrorCode::kUnsupported, "tflite: schema version " + std::to_string(version) + " (expected 3)");

  // Operator codes.
  ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector codes_v, fb.vector_field(root, model_field::kOperatorCodes, 4, "operator_codes"));
  std::vector<std::optional<OpCode>> codes(codes_v.size);
  std::vector<Error> code_errors(codes_v.size);
  for (uint32_t i = 0; i < codes_v.size; ++i) {
    const std::string where = "operator code " + std::to_string(i);
    ONBOARD_ASSIGN_OR_RETURN(Table c, fb.table_element(codes_v, i, where));
    ONBOARD_ASSIGN_OR_RETURN(int8_t deprecated, fb.field_scalar<int8_t>(c, opcode_field::kDeprecatedBuiltin, 0, where));
    ONBOARD_ASSIGN_OR_RETURN(int32_t builtin, fb.field_scalar<int32_t>(c, opcode_field::kBuiltin, 0, where));
    const int32_t code = std::max<int32_t>(deprecated, builtin);  // the schema's rule for old/new files
    if (code == 32) {
      ONBOARD_ASSIGN_OR_RETURN(std::string custom, fb.string_field(c, opcode_field::kCustomCode, where));
      code_errors[i] = make_error(ErrorCode::kUnsupported, "tflite: " + where + ": custom operator '" + custom + "' is not supported");
      continue;
    }
    auto op = accepted_op(code, where);
    if (op.ok()) codes[i] = *op; else code_errors[i] = op.error();
  }

  ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector buffers_v, fb.vector_field(root, model_field::kBuffers, 4, "buffers"));
  ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector subgraphs_v, fb.vector_field(root, model_field::kSubgraphs, 4, "subgraphs"));
  if (subgraphs_v.size != 1)
    return make_error(ErrorCode::kUnsupported, "tflite: " + std::to_string(subgraphs_v.size) + " subgraphs (expected exactly 1)");
  ONBOARD_ASSIGN_OR_RETURN(Table sg, fb.table_element(subgraphs_v, 0, "subgraph 0"));

  TfliteModel model;
  ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector tensors_v, fb.vector_field(sg, subgraph_field::kTensors, 4, "tensors"));
  model.tensors.resize(tensors_v.size);
  for (uint32_t i = 0; i < tensors_v.size; ++i) {
    std::string where = "tensor " + std::to_string(i);
    ONBOARD_ASSIGN_OR_RETURN(Table t, fb.table_element(tensors_v, i, where));
    TfliteTensor& tensor = model.tensors[i];
    ONBOARD_ASSIGN_OR_RETURN(tensor.name, fb.string_field(t, tensor_field::kName, where));
    where += " '" + tensor.name + "'";
    ONBOARD_ASSIGN_OR_RETURN(tensor.shape, fb.int_vector(t, tensor_field::kShape, where));
    if (tensor.shape.size() > 4)
      return make_error(ErrorCode::kUnsupported, "tflite: " + where + " has rank " + std::to_string(tensor.shape.size()));
    int64_t n = 1;
    for (int d : tensor.shape) {
      if (d < 1 || d > (1 << 20)) return make_error(ErrorCode::kCorrupt, "tflite: " + where + " has dimension " + std::to_string(d));
      n *= d;
      if (n > (int64_t{1} << 28)) return make_error(ErrorCode::kCorrupt, "tflite: " + where + " is too large");
    }
    ONBOARD_ASSIGN_OR_RETURN(int8_t type, fb.field_scalar<int8_t>(t, tensor_field::kType, 0, where));
    if (type != 0 && type != 1 && type != 2)
      return make_error(ErrorCode::kUnsupported, "tflite: " + where + " has tensor type " + std::to_string(type) +
                                                     " (only float32, float16, int32)");
    tensor.type = static_cast<TensorType>(type);
    ONBOARD_TRY(check_quantization(fb, t, where));
    ONBOARD_ASSIGN_OR_RETURN(auto sparsity, fb.field(t, tensor_field::kSparsity, where));
    if (sparsity) return make_error(ErrorCode::kUnsupported, "tflite: " + where + " is sparse");
    ONBOARD_ASSIGN_OR_RETURN(uint32_t buffer, fb.field_scalar<uint32_t>(t, tensor_field::kBuffer, 0, where));
    if (buffer >= buffers_v.size && buffer != 0)
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + " names buffer " + std::to_string(buffer) + " of " +
                                                 std::to_string(buffers_v.size));
    if (buffer != 0) {
      ONBOARD_ASSIGN_OR_RETURN(Table b, fb.table_element(buffers_v, buffer, where + " buffer"));
      ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector data, fb.vector_field(b, kBufferData, 1, where + " buffer"));
      if (data.size != 0) {
        if (static_cast<uint64_t>(data.size) != static_cast<uint64_t>(n) * element_size(tensor.type))
          return make_error(ErrorCode::kCorrupt, "tflite: " + where + ": buffer holds " + std::to_string(data.size) +
                                                     " bytes, shape needs " + std::to_string(n * element_size(tensor.type)));
        tensor.data = fb.bytes(data);
      }
    }
  }

  auto check_indices = [&](const std::vector<int>& idx, bool allow_absent, const std::string& where) -> Status {
    for (int t : idx)
      if ((t < 0 && !(allow_absent && t == -1)) || t >= static_cast<int>(model.tensors.size()))
        return make_error(ErrorCode::kCorrupt, "tflite: " + where + " names tensor " + std::to_string(t) + " of " +
                                                   std::to_string(model.tensors.size()));
    return Status::Ok();
  };
  ONBOARD_ASSIGN_OR_RETURN(model.inputs, fb.int_vector(sg, subgraph_field::kInputs, "subgraph inputs"));
  ONBOARD_ASSIGN_OR_RETURN(model.outputs, fb.int_vector(sg, subgraph_field::kOutputs, "subgraph outputs"));
  ONBOARD_TRY(check_indices(model.inputs, false, "subgraph inputs"));
  ONBOARD_TRY(check_indices(model.outputs, false, "subgraph outputs"));

  ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector ops_v, fb.vector_field(sg, subgraph_field::kOperators, 4, "operators"));
  model.operators.resize(ops_v.size);
  for (uint32_t i = 0; i < ops_v.size; ++i) {
    std::string where = "operator " + std::to_string(i);
    ONBOARD_ASSIGN_OR_RETURN(Table o, fb.table_element(ops_v, i, where));
    TfliteOperator& op = model.operators[i];
    ONBOARD_ASSIGN_OR_RETURN(uint32_t code_index, fb.field_scalar<uint32_t>(o, operator_field::kOpcodeIndex, 0, where));
    if (code_index >= codes.size())
      return make_error(ErrorCode::kCorrupt, "tflite: " + where + " names operator code " + std::to_string(code_index) +
                                                 " of " + std::to_string(codes.size()));
    if (!codes[code_index]) {
      Error e = code_errors[code_index];
      e.message += " (used by " + where + ")";
      return e;
    }
    op.code = *codes[code_index];
    where += " (" + std::string(op_name(op.code)) + ")";
    ONBOARD_ASSIGN_OR_RETURN(op.inputs, fb.int_vector(o, operator_field::kInputs, where + " inputs"));
    ONBOARD_ASSIGN_OR_RETURN(op.outputs, fb.int_vector(o, operator_field::kOutputs, where + " outputs"));
    ONBOARD_TRY(check_indices(op.inputs, true, where + " inputs"));
    ONBOARD_TRY(check_indices(op.outputs, false, where + " outputs"));
    if (op.outputs.empty()) return make_error(ErrorCode::kCorrupt, "tflite: " + where + " has no output");
    ONBOARD_ASSIGN_OR_RETURN(Flatbuffer::Vector custom, fb.vector_field(o, operator_field::kCustomOptions, 1, where));
    if (custom.size != 0) return make_error(ErrorCode::kUnsupported, "tflite: " + where + " carries custom options");
    ONBOARD_TRY(read_options(fb, o, op, where));
  }
  return model;
}

}  // namespace onboard::vision
