// Writes GGUF v3 files (used by `onboard synth`, `onboard quantize` and tests). Tensor data
// is produced on demand, one tensor at a time, so writing a multi-GB model needs only
// one tensor's worth of memory.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/gguf.h"
#include "tensor/ggml_type.h"

namespace onboard::gguf {

class GgufWriter {
 public:
  using Fill = std::function<Status(std::span<uint8_t> dst)>;

  void set_alignment(uint32_t alignment);  // power of two; written as general.alignment if not 32

  void add_string(std::string_view key, std::string_view value);
  void add_bool(std::string_view key, bool value);
  void add_u32(std::string_view key, uint32_t value);
  void add_i32(std::string_view key, int32_t value);
  void add_u64(std::string_view key, uint64_t value);
  void add_f32(std::string_view key, float value);
  void add_string_array(std::string_view key, const std::vector<std::string>& values);
  void add_i32_array(std::string_view key, const std::vector<int32_t>& values);
  void add_f32_array(std::string_view key, const std::vector<float>& values);
  // Copies a value read from another file, whatever its type.
  void add_value(std::string_view key, const Value& value);
  bool has_key(std::string_view key) const;

  // ne[0] is the contiguous dimension. `fill` writes exactly the tensor's bytes.
  Status add_tensor(std::string_view name, GgmlType type, std::vector<int64_t> ne, Fill fill);
  Status add_tensor(std::string_view name, GgmlType type, std::vector<int64_t> ne, std::vector<uint8_t> data);

  // Writes to path + ".tmp" and renames, so a failed write never leaves a half file.
  Status write(const std::string& path) const;
  // Whole file in memory (tests, fuzz seeds).
  Expected<std::vector<uint8_t>> write_to_memory() const;

 private:
  struct Kv {
    std::string key;
    std::vector<uint8_t> encoded;  // type tag + value, as in the file
  };
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> ne;
    uint64_t n_bytes;
    Fill fill;
  };
  void add_raw(std::string_view key, std::vector<uint8_t> encoded);
  std::vector<uint8_t> header(std::vector<uint64_t>& offsets, uint64_t& data_start) const;

  uint32_t alignment_ = 32;
  std::vector<Kv> kv_;
  std::vector<Tensor> tensors_;
};

}  // namespace onboard::gguf
