// Y = X W^T for a batch of activation rows against a weight matrix stored in the file's
// type. Each activation row is converted once to the weight type's dot format
// (kernels/dot.h); output rows are split across threads, and every output element is
// computed by the same code whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/thread_pool.h"
#include "model/weight.h"

namespace onboard::kernels {

// Scratch bytes matmul needs for n_tokens activation rows of `cols` values against `type`.
size_t matmul_scratch_bytes(GgmlType type, int64_t cols, int64_t n_tokens);

// y[t * y_stride + r] = sum_c W[r][c] * x[t * x_stride + c]  for t < n_tokens, r < W.rows.
void matmul(const model::Weight& w, const float* x, int64_t x_stride, int64_t n_tokens, float* y, int64_t y_stride,
            void* scratch, ThreadPool& pool);

// One matrix of a group applied to the same input.
struct MatmulOutput {
  const model::Weight* w;
  float* y;
  int64_t y_stride;
};

// matmul for every member of the group (Q, K and V of one input) in one pass of the pool,
// quantizing x once when the members' types share an activation format.
void matmul_group(std::span<const MatmulOutput> group, const float* x, int64_t x_stride, int64_t n_tokens,
                  void* scratch, ThreadPool& pool);

// gate_y = silu(W_gate x) ⊙ (W_up x) (up_y holds W_up x): each thread computes both matrices'
// rows of its share and applies the activation to them while they are in cache.
void matmul_swiglu(const model::Weight& gate, const model::Weight& up, const float* x, int64_t x_stride,
                   int64_t n_tokens, float* gate_y, float* up_y, int64_t y_stride, void* scratch, ThreadPool& pool);

}  // namespace onboard::kernels
