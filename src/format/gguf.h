// GGUF v2/v3 reader over a memory map (reference: shared/reference/deepseek-models.md §6).
// Parsing validates everything a later stage relies on (counts against the file size,
// string/array lengths, alignment, tensor extents and overlap, known types), so code that
// holds a GgufFile may read any tensor's bytes without further checks.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"
#include "tensor/ggml_type.h"

namespace onboard::gguf {

enum class ValueType : uint32_t {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
  BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};
std::string_view value_type_name(ValueType t);

// One metadata value. Strings point into the mapped file.
struct Value {
  ValueType type = ValueType::UINT8;
  // Scalars: integers in u/i (both filled when representable), floats in f, bools in b.
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string_view str;
  // Arrays: element type, count, the packed little-endian elements of numeric arrays,
  // and the string elements of string arrays.
  ValueType elem_type = ValueType::UINT8;
  uint64_t count = 0;
  const uint8_t* raw = nullptr;
  std::vector<std::string_view> strings;

  bool is_integer() const;
  // Numeric array element k as int64 / double (caller checks k < count).
  int64_t int_at(uint64_t k) const;
  double float_at(uint64_t k) const;
};

struct KeyValue {
  std::string_view key;
  Value value;
  uint64_t offset = 0;  // byte offset of the key in the file, for error messages
};

struct TensorInfo {
  std::string_view name;
  GgmlType type = GgmlType::F32;
  uint32_t n_dims = 0;
  std::array<int64_t, 4> ne{1, 1, 1, 1};  // ne[0] is the contiguous dimension
  uint64_t offset = 0;                     // relative to the data section
  uint64_t n_bytes = 0;
  uint64_t info_offset = 0;                // where the tensor info sits in the file
  const uint8_t* data = nullptr;           // inside the mapped file

  int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
  int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
  std::string shape_string() const;  // "[512, 4]"
};

class GgufFile {
 public:
  // Maps the file and parses it.
  static Expected<GgufFile> open(const std::string& path);
  // Parses bytes owned by the caller (tests, fuzzing); `name` prefixes error messages.
  static Expected<GgufFile> parse(std::span<const uint8_t> bytes, std::string name);
  // A file-shaped view of weights stored elsewhere (a Hugging Face directory): metadata
  // parsed from `header`, a tensor-less GGUF that `owner` keeps alive; `tensors` point into
  // memory `owner` keeps alive (mapped shards, converted buffers). Tensors are checked for
  // unique names and a byte size matching type and shape.
  static Expected<GgufFile> assemble(std::span<const uint8_t> header, std::string name,
                                     std::vector<TensorInfo> tensors, std::shared_ptr<const void> owner);

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::string& name() const { return name_; }
  std::span<const uint8_t> bytes() const { return bytes_; }

  const std::vector<KeyValue>& metadata() const { return kv_; }
  const Value* find(std::string_view key) const;

  // Typed getters: a missing key or a wrong type is an error naming the key.
  Expected<std::string_view> get_string(std::string_view key) const;
  Expected<uint64_t> get_uint(std::string_view key) const;
  Expected<int64_t> get_int(std::string_view key) const;
  Expected<double> get_float(std::string_view key) const;  // accepts integers too
  Expected<bool> get_bool(std::string_view key) const;
  Expected<const Value*> get_array(std::string_view key, ValueType elem_type) const;

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find_tensor(std::string_view name) const;

 private:
  std::shared_ptr<MappedFile> map_;  // null when parsing caller-owned bytes
  std::shared_ptr<const void> owner_;  // assembled views: whatever holds header and tensor bytes
  std::span<const uint8_t> bytes_;
  std::string name_;
  uint32_t version_ = 0;
  uint32_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<KeyValue> kv_;
  std::vector<TensorInfo> tensors_;

  friend class GgufParser;
};

}  // namespace onboard::gguf
