#include "kernels/matmul.h"

#include "kernels/dot.h"

namespace onboard::kernels {

size_t matmul_scratch_bytes(GgmlType type, int64_t cols, int64_t n_tokens) {
  const size_t row = dot_kernel(type).act_bytes(cols);
  return (row + 63) / 64 * 64 * static_cast<size_t>(n_tokens);
}

void matmul(const model::Weight& w, const float* x, int64_t x_stride, int64_t n_tokens, float* y, int64_t y_stride,
            void* scratch, ThreadPool& pool) {
  const DotKernel& k = dot_kernel(w.type);
  const size_t act_stride = (k.act_bytes(w.cols) + 63) / 64 * 64;
  auto* act = static_cast<uint8_t*>(scratch);
  pool.parallel_for(n_tokens, [&](int64_t t0, int64_t t1, int) {
    for (int64_t t = t0; t < t1; ++t) k.quantize_act(x + t * x_stride, act + t * act_stride, w.cols);
  });
  pool.parallel_for(w.rows, [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* wr = w.row(r);
      for (int64_t t = 0; t < n_tokens; ++t) y[t * y_stride + r] = k.dot(w.cols, wr, act + t * act_stride);
    }
  });
}

}  // namespace onboard::kernels
