// matmul: the prompt path (several tokens per weight row) against one token at a time and the
// scalar reference, and independence of the thread count.
#include "kernels/matmul.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/dot.h"
#include "kernels/swiglu.h"
#include "tensor/dequantize.h"
#include "tensor/quantize.h"
#include "kernel_test_util.h"

namespace onboard::kernels {
namespace {

struct Matrix {
  std::vector<uint8_t> bytes;
  std::vector<float> deq;  // rows × cols, dequantized
  model::Weight w;
};

Matrix make_matrix(GgmlType type, int64_t rows, int64_t cols, uint32_t seed) {
  Matrix m;
  const size_t rb = row_bytes(type, cols);
  m.bytes.resize(rb * rows);
  m.deq.resize(rows * cols);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<float> row = gaussian(cols, seed * 1000 + static_cast<uint32_t>(r));
    for (float& v : row) v *= 0.05f;
    quantize_row(type, row.data(), m.bytes.data() + r * rb, cols);
    dequantize_row(type, m.bytes.data() + r * rb, &m.deq[r * cols], cols);
  }
  m.w.type = type;
  m.w.data = m.bytes.data();
  m.w.rows = rows;
  m.w.cols = cols;
  m.w.row_stride = rb;
  return m;
}

std::vector<float> run(const Matrix& m, const std::vector<float>& x, int64_t n_tokens, int threads) {
  ThreadPool pool(threads);
  std::vector<uint8_t> scratch(matmul_scratch_bytes(m.w.type, m.w.cols, n_tokens));
  // y has a wider stride than the row count, as the model's buffers may.
  const int64_t y_stride = m.w.rows + 3;
  std::vector<float> y(n_tokens * y_stride, -1.0f);
  matmul(m.w, x.data(), m.w.cols, n_tokens, y.data(), y_stride, scratch.data(), pool);
  std::vector<float> packed(n_tokens * m.w.rows);
  for (int64_t t = 0; t < n_tokens; ++t)
    for (int64_t r = 0; r < m.w.rows; ++r) packed[t * m.w.rows + r] = y[t * y_stride + r];
  return packed;
}

TEST(Matmul, PromptMatchesTokenByTokenAndReferenceAtAnyThreadCount) {
  const int64_t rows = 37, cols = 512, n_tokens = 11;  // 11 = two full groups of 4 and a tail
  for (GgmlType type : {GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::F16}) {
    SCOPED_TRACE(traits(type).name);
    const Matrix m = make_matrix(type, rows, cols, 17 + static_cast<uint32_t>(type));
    const std::vector<float> x = gaussian(n_tokens * cols, 5);

    const std::vector<float> batched = run(m, x, n_tokens, 1);
    EXPECT_EQ(run(m, x, n_tokens, 2), batched);
    EXPECT_EQ(run(m, x, n_tokens, 3), batched);
    for (int64_t t = 0; t < n_tokens; ++t) {
      const std::vector<float> xt(x.begin() + t * cols, x.begin() + (t + 1) * cols);
      const std::vector<float> single = run(m, xt, 1, 2);
      for (int64_t r = 0; r < rows; ++r) {
        ASSERT_EQ(batched[t * rows + r], single[r]) << "token " << t << " row " << r;
        // Against the dequantized weights in double: activation quantization (8-bit, half a step
        // per element of at most max|x|/127) bounds the error.
        double ref = 0, bound = 0, amax = 0;
        for (int64_t c = 0; c < cols; ++c) amax = std::max<double>(amax, std::fabs(xt[c]));
        for (int64_t c = 0; c < cols; ++c) {
          ref += double(m.deq[r * cols + c]) * xt[c];
          bound += std::fabs(m.deq[r * cols + c]) * (amax / 127.0 * 0.57 + 1e-6 * std::fabs(xt[c]));
        }
        EXPECT_NEAR(single[r], ref, bound + 1e-5) << "token " << t << " row " << r;
      }
    }
  }
}

// One matrix alone, as matmul computes it (packed rows × n_tokens).
std::vector<float> alone(const Matrix& m, const std::vector<float>& x, int64_t n_tokens) { return run(m, x, n_tokens, 2); }

// Q, K and V share one quantized input when their formats allow (Q4_K and Q6_K both take Q8_K),
// and fall back to one matmul each otherwise (Q8_0 with Q4_K); either way each output is
// exactly what matmul gives alone, at any thread count.
TEST(Matmul, GroupEqualsSeparateMatmuls) {
  const int64_t cols = 512;
  for (GgmlType second : {GgmlType::Q6_K, GgmlType::Q8_0}) {
    SCOPED_TRACE(traits(second).name);
    const Matrix a = make_matrix(GgmlType::Q4_K, 40, cols, 1), b = make_matrix(second, 9, cols, 2),
                 c = make_matrix(GgmlType::Q4_K, 9, cols, 3);
    for (int64_t n_tokens : {1, 6}) {
      const std::vector<float> x = gaussian(n_tokens * cols, 9);
      for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        std::vector<float> ya(n_tokens * 40), yb(n_tokens * 9), yc(n_tokens * 9);
        size_t scratch_bytes = 0;
        for (const Matrix* m : {&a, &b, &c})
          scratch_bytes = std::max(scratch_bytes, matmul_scratch_bytes(m->w.type, cols, n_tokens));
        std::vector<uint8_t> scratch(scratch_bytes);
        const MatmulOutput group[] = {{&a.w, ya.data(), 40}, {&b.w, yb.data(), 9}, {&c.w, yc.data(), 9}};
        matmul_group(group, x.data(), cols, n_tokens, scratch.data(), pool);
        EXPECT_EQ(ya, alone(a, x, n_tokens)) << threads << " threads";
        EXPECT_EQ(yb, alone(b, x, n_tokens)) << threads << " threads";
        EXPECT_EQ(yc, alone(c, x, n_tokens)) << threads << " threads";
      }
    }
  }
}

// The fused gate/up/SiLU pass gives exactly silu(gate x) ⊙ (up x) of separate matmuls.
TEST(Matmul, FusedSwigluEqualsMatmulsThenSwiglu) {
  const int64_t cols = 256, rows = 33;
  for (GgmlType up_type : {GgmlType::Q4_K, GgmlType::Q8_0}) {
    SCOPED_TRACE(traits(up_type).name);
    const Matrix gate = make_matrix(GgmlType::Q4_K, rows, cols, 4), up = make_matrix(up_type, rows, cols, 5);
    for (int64_t n_tokens : {1, 5}) {
      const std::vector<float> x = gaussian(n_tokens * cols, 10);
      std::vector<float> want = alone(gate, x, n_tokens);
      const std::vector<float> up_y = alone(up, x, n_tokens);
      for (int64_t t = 0; t < n_tokens; ++t) swiglu(&want[t * rows], &up_y[t * rows], &want[t * rows], rows);
      for (int threads : {1, 2}) {
        ThreadPool pool(threads);
        std::vector<uint8_t> scratch(std::max(matmul_scratch_bytes(gate.w.type, cols, n_tokens),
                                              matmul_scratch_bytes(up.w.type, cols, n_tokens)));
        std::vector<float> g(n_tokens * rows), u(n_tokens * rows);
        matmul_swiglu(gate.w, up.w, x.data(), cols, n_tokens, g.data(), u.data(), rows, scratch.data(), pool);
        EXPECT_EQ(g, want) << threads << " threads";
      }
    }
  }
}

}  // namespace
}  // namespace onboard::kernels
