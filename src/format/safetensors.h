// Strict safetensors reader over a memory map (reference §5.4): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the data. Parsing checks everything later code relies on (header length against the
// file, dtype names, shape x element size == byte span, spans inside the data section and
// not overlapping), so holders may read any tensor's bytes without further checks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"

namespace onboard::safetensors {

// The dtypes this engine computes with; every other valid safetensors dtype parses as kOther
// (so an unused I64 tensor does not stop a load) and is refused where a tensor is used.
enum class Dtype { kF32, kF16, kBF16, kF8E4M3, kOther };

// Bytes per element of a safetensors dtype name, 0 for a name the format does not define.
size_t dtype_size(std::string_view name);

struct TensorInfo {
  std::string name;
  std::string dtype_name;  // as written in the header, e.g. "BF16", "F8_E4M3", "I64"
  Dtype dtype = Dtype::kOther;
  std::vector<int64_t> shape;  // row-major, the last dimension contiguous
  uint64_t offset = 0;         // absolute byte offset of the data in the file
  uint64_t n_bytes = 0;
  const uint8_t* data = nullptr;

  int64_t n_elements() const;
  std::string shape_string() const;  // "[4, 32]"
};

class SafetensorsFile {
 public:
  static Expected<SafetensorsFile> open(const std::string& path);
  // Parses caller-owned bytes (tests, fuzzing); `name` prefixes error messages.
  static Expected<SafetensorsFile> parse(std::span<const uint8_t> bytes, std::string name);

  const std::string& name() const { return name_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(std::string_view name) const;

 private:
  std::shared_ptr<MappedFile> map_;  // null when parsing caller-owned bytes
  std::string name_;
  uint64_t data_offset_ = 0;
  std::map<std::string, std::string> metadata_;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace onboard::safetensors
