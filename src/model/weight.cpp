#include "model/weight.h"

#include "tensor/dequantize.h"

namespace onboard::model {
namespace {

std::string shape(int64_t a, int64_t b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + "]"; }

}  // namespace

Expected<Weight> bind_optional_matrix(const gguf::GgufFile& f, const std::string& name, int64_t cols, int64_t rows) {
  const gguf::TensorInfo* t = f.find_tensor(name);
  if (!t) return Weight{};
  if (t->n_dims > 2 || t->ne[0] != cols || t->ne[1] != rows)
    return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' has shape " + t->shape_string() +
                                               ", expected " + shape(cols, rows));
  const TypeTraits& tr = traits(t->type);
  if (!tr.can_compute)
    return make_error(ErrorCode::kUnsupported, f.name() + ": tensor '" + name + "' has type " + std::string(tr.name) +
                                                   ", which this build cannot compute with");
  Weight w;
  w.type = t->type;
  w.data = t->data;
  w.cols = cols;
  w.rows = rows;
  w.row_stride = row_bytes(t->type, cols);
  w.name = name;
  return w;
}

Expected<Weight> bind_matrix(const gguf::GgufFile& f, const std::string& name, int64_t cols, int64_t rows) {
  if (!f.find_tensor(name)) return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' is missing");
  return bind_optional_matrix(f, name, cols, rows);
}

Expected<std::vector<Weight>> bind_matrix_stack(const gguf::GgufFile& f, const std::string& name, int64_t cols,
                                                int64_t rows, int64_t count) {
  const gguf::TensorInfo* t = f.find_tensor(name);
  if (!t) return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' is missing");
  if (t->n_dims != 3 || t->ne[0] != cols || t->ne[1] != rows || t->ne[2] != count)
    return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' has shape " + t->shape_string() +
                                               ", expected [" + std::to_string(cols) + ", " + std::to_string(rows) +
                                               ", " + std::to_string(count) + "]");
  const TypeTraits& tr = traits(t->type);
  if (!tr.can_compute)
    return make_error(ErrorCode::kUnsupported, f.name() + ": tensor '" + name + "' has type " + std::string(tr.name) +
                                                   ", which this build cannot compute with");
  std::vector<Weight> stack(count);
  for (int64_t i = 0; i < count; ++i) {
    Weight& w = stack[i];
    w.type = t->type;
    w.cols = cols;
    w.rows = rows;
    w.row_stride = row_bytes(t->type, cols);
    w.data = t->data + static_cast<size_t>(i) * rows * w.row_stride;
    w.name = name + "[" + std::to_string(i) + "]";
  }
  return stack;
}

Expected<std::vector<float>> load_vector(const gguf::GgufFile& f, const std::string& name, int64_t n) {
  const gguf::TensorInfo* t = f.find_tensor(name);
  if (!t) return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' is missing");
  if (t->n_elements() != n || t->ne[0] != n)
    return make_error(ErrorCode::kCorrupt, f.name() + ": tensor '" + name + "' has shape " + t->shape_string() +
                                               ", expected [" + std::to_string(n) + "]");
  if (!traits(t->type).can_compute)
    return make_error(ErrorCode::kUnsupported, f.name() + ": tensor '" + name + "' has unsupported type " +
                                                   std::string(traits(t->type).name));
  std::vector<float> v(n);
  dequantize_row(t->type, t->data, v.data(), n);
  return v;
}

}  // namespace onboard::model
