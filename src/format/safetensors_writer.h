// Writes safetensors files (used by `onboard synth --format hf`, the GGUF -> Hugging Face
// export and tests). Tensor data is produced on demand, one tensor at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace onboard::safetensors {

class SafetensorsWriter {
 public:
  using Fill = std::function<Status(std::span<uint8_t> dst)>;

  void add_metadata(const std::string& key, const std::string& value);
  // `dtype` is a safetensors dtype name ("BF16", "F32", "F8_E4M3", ...); shape row-major.
  // `fill` writes exactly product(shape) * element-size bytes.
  Status add_tensor(const std::string& name, const std::string& dtype, std::vector<int64_t> shape, Fill fill);
  uint64_t data_bytes() const;

  // Writes to path + ".tmp" and renames, so a failed write never leaves a half file.
  Status write(const std::string& path) const;
  // Whole file in memory (tests, fuzz seeds).
  Expected<std::vector<uint8_t>> write_to_memory() const;

 private:
  struct Tensor {
    std::string name, dtype;
    std::vector<int64_t> shape;
    uint64_t n_bytes = 0;
    size_t align = 1;
    Fill fill;
  };
  // Tensors in data order: widest elements first, then by name, so every tensor starts at a
  // multiple of its element size (the header is padded to 8 bytes).
  std::vector<const Tensor*> data_order() const;
  std::vector<uint8_t> header() const;

  std::map<std::string, std::string> metadata_;
  std::vector<Tensor> tensors_;
};

}  // namespace onboard::safetensors
