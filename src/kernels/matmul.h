// Y = X W^T for a batch of activation rows against a weight matrix stored in the file's
// type. Each activation row is converted once to the weight type's dot format
// (kernels/dot.h); output rows are split across threads, and every output element is
// computed by the same code whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"
#include "model/weight.h"

namespace onboard::kernels {

// Scratch bytes matmul needs for n_tokens activation rows of `cols` values against `type`.
size_t matmul_scratch_bytes(GgmlType type, int64_t cols, int64_t n_tokens);

// y[t * y_stride + r] = sum_c W[r][c] * x[t * x_stride + c]  for t < n_tokens, r < W.rows.
void matmul(const model::Weight& w, const float* x, int64_t x_stride, int64_t n_tokens, float* y, int64_t y_stride,
            void* scratch, ThreadPool& pool);

}  // namespace onboard::kernels
