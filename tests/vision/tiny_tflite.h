// Writes a tiny TFLite flatbuffer by hand for the reader's tests and the fuzz seeds:
// input [1,2,2,1] -> CONV_2D 1x1 (weight 2, bias 1, VALID) -> RELU -> output [1,2,2,1].
// Tables are laid out parent first (uoffsets only point forward), vtables just before their table.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace onboard::vision::testing {

struct TinyModelSpec {
  int conv_code = 3;              // BuiltinOperator of the first operator (3 = CONV_2D)
  std::string custom_code;        // with conv_code 32
  bool quantized_input = false;   // give the input tensor a quantization scale
  int weight_type = 0;            // 0 float32, 1 float16
};

class FlatWriter {
 public:
  std::vector<uint8_t> buf;

  size_t align(size_t a) {
    while (buf.size() % a) buf.push_back(0);
    return buf.size();
  }
  template <typename T>
  size_t put(T v) {
    const size_t p = buf.size();
    buf.resize(p + sizeof(T));
    std::memcpy(buf.data() + p, &v, sizeof(T));
    return p;
  }
  template <typename T>
  void set(size_t p, T v) { std::memcpy(buf.data() + p, &v, sizeof(T)); }
  void point(size_t field, size_t target) { set<uint32_t>(field, static_cast<uint32_t>(target - field)); }

  // A table whose fields are 4-byte slots (scalars widened to their type at the slot start).
  // kinds: 0 absent, 1 u8, 4 u32/i32, 'o' offset (returned for patching).
  struct Field {
    int kind = 0;
    uint32_t value = 0;
  };
  // Returns the positions of each field's slot (0 if absent).
  std::vector<size_t> table(const std::vector<Field>& fields) {
    align(4);
    const size_t vt = buf.size();
    const uint16_t vt_size = static_cast<uint16_t>(4 + 2 * fields.size());
    const uint16_t inline_size = static_cast<uint16_t>(4 + 4 * fields.size());
    put<uint16_t>(vt_size);
    put<uint16_t>(inline_size);
    for (size_t i = 0; i < fields.size(); ++i) put<uint16_t>(fields[i].kind ? static_cast<uint16_t>(4 + 4 * i) : 0);
    align(4);
    const size_t t = buf.size();
    put<int32_t>(static_cast<int32_t>(t - vt));
    std::vector<size_t> slots(fields.size(), 0);
    for (size_t i = 0; i < fields.size(); ++i) {
      slots[i] = fields[i].kind ? buf.size() : 0;
      if (fields[i].kind == 1) {
        put<uint8_t>(static_cast<uint8_t>(fields[i].value));
        put<uint8_t>(0); put<uint16_t>(0);
      } else {
        put<uint32_t>(fields[i].value);
      }
    }
    table_pos = t;
    return slots;
  }
  size_t table_pos = 0;

  size_t ints(const std::vector<int32_t>& v) {
    align(4);
    const size_t p = put<uint32_t>(static_cast<uint32_t>(v.size()));
    for (int32_t x : v) put<int32_t>(x);
    return p;
  }
  size_t bytes(const std::vector<uint8_t>& v) {
    align(4);
    const size_t p = put<uint32_t>(static_cast<uint32_t>(v.size()));
    buf.insert(buf.end(), v.begin(), v.end());
    return p;
  }
  size_t string(const std::string& s) {
    std::vector<uint8_t> b(s.begin(), s.end());
    const size_t p = bytes(b);
    buf.push_back(0);
    return p;
  }
  // A vector of n table offsets; returns the position of its length word.
  size_t offsets(size_t n) {
    align(4);
    const size_t p = put<uint32_t>(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i) put<uint32_t>(0);
    return p;
  }
};

inline std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

inline std::vector<uint8_t> tiny_tflite(const TinyModelSpec& spec = {}) {
  FlatWriter w;
  w.put<uint32_t>(0);  // root offset, patched below
  w.buf.insert(w.buf.end(), {'T', 'F', 'L', '3'});
  // Model: version, operator_codes, subgraphs, description, buffers.
  const auto model = w.table({{4, 3}, {'o'}, {'o'}, {0}, {'o'}});
  w.point(0, w.table_pos);

  // Operator codes: CONV_2D (or the spec's), RELU.
  const size_t codes = w.offsets(2);
  w.point(model[1], codes);
  const int first_code = spec.conv_code;
  auto c0 = w.table({{1, static_cast<uint32_t>(first_code < 127 ? first_code : 127)},
                     {spec.custom_code.empty() ? 0 : 'o'}, {4, 1}, {4, static_cast<uint32_t>(first_code)}});
  w.point(codes + 4, w.table_pos);
  if (!spec.custom_code.empty()) w.point(c0[1], w.string(spec.custom_code));
  w.table({{1, 19}, {0}, {4, 1}, {4, 19}});
  w.point(codes + 8, w.table_pos);

  // Buffers: 0 empty (the convention), 1 weight, 2 bias.
  const size_t buffers = w.offsets(3);
  w.point(model[4], buffers);
  std::vector<uint8_t> weight = float_bytes({2.0f});
  if (spec.weight_type == 1) weight = {0x00, 0x40};  // 2.0 in binary16
  const std::vector<std::vector<uint8_t>> datas = {{}, weight, float_bytes({1.0f})};
  for (size_t i = 0; i < 3; ++i) {
    auto b = w.table({{datas[i].empty() ? 0 : 'o'}});
    w.point(buffers + 4 + 4 * i, w.table_pos);
    if (!datas[i].empty()) w.point(b[0], w.bytes(datas[i]));
  }

  // Subgraph: tensors, inputs, outputs, operators, name.
  const size_t subgraphs = w.offsets(1);
  w.point(model[2], subgraphs);
  auto sg = w.table({{'o'}, {'o'}, {'o'}, {'o'}, {0}});
  w.point(subgraphs + 4, w.table_pos);
  struct T { std::vector<int32_t> shape; int type; uint32_t buffer; const char* name; };
  const std::vector<T> tensors = {{{1, 2, 2, 1}, 0, 0, "input"},
                                  {{1, 1, 1, 1}, spec.weight_type, 1, "weight"},
                                  {{1}, 0, 2, "bias"},
                                  {{1, 2, 2, 1}, 0, 0, "conv"},
                                  {{1, 2, 2, 1}, 0, 0, "output"}};
  const size_t tv = w.offsets(tensors.size());
  w.point(sg[0], tv);
  for (size_t i = 0; i < tensors.size(); ++i) {
    const bool quant = spec.quantized_input && i == 0;
    auto t = w.table({{'o'}, {1, static_cast<uint32_t>(tensors[i].type)}, {4, tensors[i].buffer}, {'o'}, {quant ? 'o' : 0}});
    w.point(tv + 4 + 4 * i, w.table_pos);
    w.point(t[0], w.ints(tensors[i].shape));
    w.point(t[3], w.string(tensors[i].name));
    if (quant) {
      auto q = w.table({{0}, {0}, {'o'}, {0}});
      w.point(t[4], w.table_pos);
      w.point(q[2], w.ints({0x3c000000}));  // one scale
    }
  }
  w.point(sg[1], w.ints({0}));
  w.point(sg[2], w.ints({4}));
  const size_t ops = w.offsets(2);
  w.point(sg[3], ops);
  // CONV_2D: opcode 0, inputs, outputs, options type 1 (Conv2DOptions), options.
  auto conv = w.table({{4, 0}, {'o'}, {'o'}, {1, 1}, {'o'}});
  w.point(ops + 4, w.table_pos);
  w.point(conv[1], w.ints({0, 1, 2}));
  w.point(conv[2], w.ints({3}));
  w.table({{1, 1}, {4, 1}, {4, 1}, {1, 0}});  // VALID, stride 1x1, no activation
  w.point(conv[4], w.table_pos);
  auto relu = w.table({{4, 1}, {'o'}, {'o'}});
  w.point(ops + 8, w.table_pos);
  w.point(relu[1], w.ints({3}));
  w.point(relu[2], w.ints({4}));
  return w.buf;
}

}  // namespace onboard::vision::testing
