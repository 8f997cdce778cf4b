// A strict reader for the TensorFlow Lite flatbuffer ("TFL3"), limited to what MediaPipe's face
// models use: subgraph 0, float32/float16/int32 tensors without quantization, builtin operators
// with their options. Every offset, vtable and vector is bounds-checked; anything else (custom
// ops, quantized tensors, unknown ops, several subgraphs) is an error naming where it is.
// Written from the schema's documentation; no flatbuffers library.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace onboard::vision {

enum class TensorType : int { kFloat32 = 0, kFloat16 = 1, kInt32 = 2 };

// BuiltinOperator codes of the schema, only those this reader accepts.
enum class OpCode : int {
  kAdd = 0,
  kConcatenation = 2,
  kConv2d = 3,
  kDepthwiseConv2d = 4,
  kDequantize = 6,
  kMaxPool2d = 17,
  kRelu = 19,
  kReshape = 22,
  kPad = 34,
  kPrelu = 54,
};
const char* op_name(OpCode code);

enum class Padding : int { kSame = 0, kValid = 1 };
enum class Activation : int { kNone = 0, kRelu = 1, kRelu6 = 3 };

struct TfliteTensor {
  std::string name;
  std::vector<int> shape;
  TensorType type = TensorType::kFloat32;
  std::span<const uint8_t> data;  // constant contents (into the model bytes); empty for activations
  int64_t elements() const;
};

struct TfliteOperator {
  OpCode code = OpCode::kAdd;
  std::vector<int> inputs, outputs;  // tensor indices; -1 = optional input left out
  Padding padding = Padding::kSame;
  int stride_w = 1, stride_h = 1;
  int dilation_w = 1, dilation_h = 1;
  int filter_w = 1, filter_h = 1;  // pooling
  int depth_multiplier = 1;
  Activation activation = Activation::kNone;
  int axis = 0;  // concatenation
};

struct TfliteModel {
  std::vector<TfliteTensor> tensors;
  std::vector<TfliteOperator> operators;  // in execution order
  std::vector<int> inputs, outputs;
};

// `bytes` must outlive the model (tensor data points into it).
Expected<TfliteModel> parse_tflite(std::span<const uint8_t> bytes);

}  // namespace onboard::vision
