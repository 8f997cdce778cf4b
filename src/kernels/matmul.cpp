#include "kernels/matmul.h"

#include <algorithm>

#include "kernels/dot.h"
#include "kernels/swiglu.h"

namespace onboard::kernels {
namespace {

// Activation bytes a prompt chunk may hold so that they stay in a core's L2 while its weight
// rows stream past.
constexpr int64_t kActivationCacheBytes = 192 * 1024;

size_t act_stride_for(const DotKernel& k, int64_t cols) { return (k.act_bytes(cols) + 63) / 64 * 64; }

// x's rows in k's activation format, one per act_stride bytes of scratch.
void quantize_rows(const DotKernel& k, const float* x, int64_t x_stride, int64_t n_tokens, int64_t cols,
                   uint8_t* act, ThreadPool& pool) {
  const size_t act_stride = act_stride_for(k, cols);
  pool.parallel_for(n_tokens, [&](int64_t t0, int64_t t1, int) {
    for (int64_t t = t0; t < t1; ++t) k.quantize_act(x + t * x_stride, act + t * act_stride, cols);
  });
}

// Rows [r0, r1) of y = W x for every token, on the calling thread.
void rows_times_tokens(const DotKernel& k, const model::Weight& w, int64_t r0, int64_t r1, const uint8_t* act,
                       int64_t n_tokens, float* y, int64_t y_stride) {
  const size_t act_stride = act_stride_for(k, w.cols);
  if (n_tokens == 1 || k.dot_tokens == nullptr) {
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* wr = w.row(r);
      for (int64_t t = 0; t < n_tokens; ++t) y[t * y_stride + r] = k.dot(w.cols, wr, act + t * act_stride);
    }
    return;
  }
  // A prompt: the rows are walked once per chunk of tokens whose activations stay in cache, and
  // each weight row is decoded once per kMaxDotTokens tokens.
  const int64_t chunk =
      std::max<int64_t>(kMaxDotTokens, kActivationCacheBytes / static_cast<int64_t>(act_stride) / kMaxDotTokens * kMaxDotTokens);
  float out[kMaxDotTokens];
  for (int64_t c0 = 0; c0 < n_tokens; c0 += chunk) {
    const int64_t c1 = std::min(n_tokens, c0 + chunk);
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* wr = w.row(r);
      for (int64_t t = c0; t < c1; t += kMaxDotTokens) {
        const int nt = static_cast<int>(std::min<int64_t>(kMaxDotTokens, c1 - t));
        k.dot_tokens(w.cols, wr, act + t * act_stride, act_stride, nt, out);
        for (int i = 0; i < nt; ++i) y[(t + i) * y_stride + r] = out[i];
      }
    }
  }
}

}  // namespace

size_t matmul_scratch_bytes(GgmlType type, int64_t cols, int64_t n_tokens) {
  return act_stride_for(dot_kernel(type), cols) * static_cast<size_t>(n_tokens);
}

void matmul(const model::Weight& w, const float* x, int64_t x_stride, int64_t n_tokens, float* y, int64_t y_stride,
            void* scratch, ThreadPool& pool) {
  const DotKernel& k = dot_kernel(w.type);
  auto* act = static_cast<uint8_t*>(scratch);
  quantize_rows(k, x, x_stride, n_tokens, w.cols, act, pool);
  pool.parallel_for(w.rows, [&](int64_t r0, int64_t r1, int) {
    rows_times_tokens(k, w, r0, r1, act, n_tokens, y, y_stride);
  });
}

void matmul_group(std::span<const MatmulOutput> group, const float* x, int64_t x_stride, int64_t n_tokens,
                  void* scratch, ThreadPool& pool) {
  if (group.empty()) return;
  const DotKernel& k0 = dot_kernel(group[0].w->type);
  int64_t total_rows = 0;
  bool shared = true;
  for (const MatmulOutput& m : group) {
    total_rows += m.w->rows;
    shared = shared && dot_kernel(m.w->type).quantize_act == k0.quantize_act && m.w->cols == group[0].w->cols;
  }
  if (!shared) {
    for (const MatmulOutput& m : group) matmul(*m.w, x, x_stride, n_tokens, m.y, m.y_stride, scratch, pool);
    return;
  }
  auto* act = static_cast<uint8_t*>(scratch);
  quantize_rows(k0, x, x_stride, n_tokens, group[0].w->cols, act, pool);
  // The members' rows laid end to end and split as one range.
  pool.parallel_for(total_rows, [&](int64_t begin, int64_t end, int) {
    int64_t first = 0;
    for (const MatmulOutput& m : group) {
      const int64_t r0 = std::max(begin - first, int64_t{0}), r1 = std::min(end - first, m.w->rows);
      if (r0 < r1) rows_times_tokens(dot_kernel(m.w->type), *m.w, r0, r1, act, n_tokens, m.y, m.y_stride);
      first += m.w->rows;
    }
  });
}

void matmul_swiglu(const model::Weight& gate, const model::Weight& up, const float* x, int64_t x_stride,
                   int64_t n_tokens, float* gate_y, float* up_y, int64_t y_stride, void* scratch, ThreadPool& pool) {
  const DotKernel& kg = dot_kernel(gate.type);
  const DotKernel& ku = dot_kernel(up.type);
  if (kg.quantize_act != ku.quantize_act || gate.rows != up.rows || gate.cols != up.cols) {
    matmul(gate, x, x_stride, n_tokens, gate_y, y_stride, scratch, pool);
    matmul(up, x, x_stride, n_tokens, up_y, y_stride, scratch, pool);
    for (int64_t t = 0; t < n_tokens; ++t) swiglu(gate_y + t * y_stride, up_y + t * y_stride, gate_y + t * y_stride, gate.rows);
    return;
  }
  auto* act = static_cast<uint8_t*>(scratch);
  quantize_rows(kg, x, x_stride, n_tokens, gate.cols, act, pool);
  pool.parallel_for(gate.rows, [&](int64_t r0, int64_t r1, int) {
    rows_times_tokens(kg, gate, r0, r1, act, n_tokens, gate_y, y_stride);
    rows_times_tokens(ku, up, r0, r1, act, n_tokens, up_y, y_stride);
    for (int64_t t = 0; t < n_tokens; ++t) {
      float* g = gate_y + t * y_stride + r0;
      swiglu(g, up_y + t * y_stride + r0, g, r1 - r0);
    }
  });
}

}  // namespace onboard::kernels
