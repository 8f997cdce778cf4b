// A weight matrix in the model file, used in place: y = W x with W of `rows` outputs
// and `cols` inputs (GGUF ne = [cols, rows]; reference §6.1 "Matrix convention").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/gguf.h"
#include "tensor/ggml_type.h"

namespace onboard::model {

struct Weight {
  GgmlType type = GgmlType::F32;
  const uint8_t* data = nullptr;
  int64_t cols = 0;  // inputs (contiguous)
  int64_t rows = 0;  // outputs
  size_t row_stride = 0;
  std::string name;

  const uint8_t* row(int64_t r) const { return data + static_cast<size_t>(r) * row_stride; }
  explicit operator bool() const { return data != nullptr; }
};

// Binds a 2-D tensor of shape ne = [cols, rows]; errors name the tensor and the shapes.
Expected<Weight> bind_matrix(const gguf::GgufFile& f, const std::string& name, int64_t cols, int64_t rows);
// Same, but a missing tensor gives an empty Weight.
Expected<Weight> bind_optional_matrix(const gguf::GgufFile& f, const std::string& name, int64_t cols, int64_t rows);
// A 3-D tensor ne = [cols, rows, count] (stacked experts, per-head MLA matrices) as `count`
// matrices of rows x cols, each a view of its contiguous slab (matrix i starts at row i*rows).
Expected<std::vector<Weight>> bind_matrix_stack(const gguf::GgufFile& f, const std::string& name, int64_t cols,
                                                int64_t rows, int64_t count);
// A 1-D tensor of n values (norm weights, biases, rope factors), converted to float.
Expected<std::vector<float>> load_vector(const gguf::GgufFile& f, const std::string& name, int64_t n);

}  // namespace onboard::model
