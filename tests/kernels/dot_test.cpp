// Dot kernels: every weight type × every ISA variant available on this CPU, against float
// references computed in double, and SIMD variants against the generic kernel.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/dot.h"
#include "tensor/block_layouts.h"
#include "tensor/dequantize.h"
#include "tensor/ggml_type.h"
#include "tensor/quantize.h"
#include "kernel_test_util.h"

namespace onboard::kernels {
namespace {

const GgmlType kWeightTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,  GgmlType::Q4_1,
                                 GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::IQ4_NL, GgmlType::Q2_K,
                                 GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K,  GgmlType::IQ4_XS};

constexpr double kU = 5.96e-8;  // unit roundoff of float

// The activation as the kernel sees it, back in float.
std::vector<float> dequantize_act(GgmlType act_type, const std::vector<uint8_t>& act, int64_t n) {
  std::vector<float> a(static_cast<size_t>(n));
  if (act_type == GgmlType::F32 || act_type == GgmlType::Q8_0) {
    dequantize_row(act_type, act.data(), a.data(), n);
  } else {
    EXPECT_EQ(act_type, GgmlType::Q8_K);
    for (int64_t b = 0; b < n / kQKK; ++b) {
      BlockQ8K blk;
      std::memcpy(&blk, act.data() + b * sizeof(BlockQ8K), sizeof blk);
      for (int j = 0; j < kQKK; ++j) a[b * kQKK + j] = blk.d * blk.qs[j];
    }
  }
  return a;
}

struct Case {
  std::vector<uint8_t> w_storage;  // weight row at offset 1: kernels must not need alignment
  const uint8_t* w = nullptr;
  std::vector<float> w_deq, x;
};

Case make_case(GgmlType type, int64_t n, uint32_t seed) {
  Case c;
  std::vector<float> w = gaussian(n, seed, 0.05f);
  if (n > 40) w[static_cast<size_t>(n / 3)] = 0.6f;  // one outlier, as real weight rows have
  const size_t bytes = row_bytes(type, n);
  c.w_storage.assign(bytes + 1, 0);
  EXPECT_EQ(quantize_row(type, w.data(), c.w_storage.data() + 1, n), bytes);
  c.w = c.w_storage.data() + 1;
  c.w_deq.resize(static_cast<size_t>(n));
  dequantize_row(type, c.w, c.w_deq.data(), n);
  c.x = gaussian(n, seed + 1000, 1.0f);
  c.x[static_cast<size_t>(n - 1)] = 9.0f;  // an activation outlier
  return c;
}

std::vector<int64_t> sizes_for(GgmlType type) {
  const int64_t bs = traits(type).block_size;
  if (bs == 1) return {1, 7, 16, 33, 64, 100, 255, 1536, 8960 + 5};
  return {bs, 2 * bs, 3 * bs, 7 * bs, 8960 / bs * bs, 1536};  // 1536 = 48·32 = 6·256
}

// Σ|w_i·a_i| scales every rounding bound below.
double abs_dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::fabs(double(a[i]) * b[i]);
  return s;
}

double exact_dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return s;
}

// Float additions in the longest chain: per element for float weights, per block otherwise
// (the in-block sums are exact integers), plus the final reductions.
double summation_terms(GgmlType type, int64_t n) {
  return static_cast<double>(n / traits(type).block_size) + 16.0;
}

TEST(Dot, EveryTypeAndIsaMatchesReferences) {
  for (Isa isa : available_isas()) {
    for (GgmlType type : kWeightTypes) {
      ASSERT_TRUE(has_dot_kernel(type));
      const DotKernel& k = dot_kernel_for(type, isa);
      ASSERT_EQ(k.weight_type, type);
      const DotKernel& ref_k = dot_kernel_for(type, Isa::kGeneric);
      for (int64_t n : sizes_for(type)) {
        SCOPED_TRACE(std::string(isa_name(isa)) + " " + std::string(traits(type).name) + " n=" + std::to_string(n));
        const Case c = make_case(type, n, static_cast<uint32_t>(n) * 31 + static_cast<uint32_t>(type));
        std::vector<uint8_t> act(k.act_bytes(n));
        k.quantize_act(c.x.data(), act.data(), n);
        const std::vector<float> a = dequantize_act(k.act_type, act, n);
        const float got = k.dot(n, c.w, act.data());

        // 1. Against Σ dequant(w)·dequant(act) in double: only summation-order rounding.
        const double scale = abs_dot(c.w_deq, a);
        const double order_tol = 4 * kU * std::sqrt(summation_terms(type, n)) * scale + 1e-30;
        EXPECT_NEAR(got, exact_dot(c.w_deq, a), order_tol);

        // 2. Against Σ dequant(w)·x: activation quantization error, bounded per element by
        // half a step of its block (plus the fp16 rounding of a Q8_0 block scale).
        double act_tol = order_tol + 4 * kU * abs_dot(c.w_deq, c.x);
        if (k.act_type != GgmlType::F32) {
          const int64_t block = k.act_type == GgmlType::Q8_0 ? kQK : kQKK;
          for (int64_t b0 = 0; b0 < n; b0 += block) {
            float amax = 0;
            for (int64_t i = b0; i < b0 + block; ++i) amax = std::max(amax, std::fabs(c.x[i]));
            const double step = amax / 127.0;
            for (int64_t i = b0; i < b0 + block; ++i) act_tol += std::fabs(c.w_deq[i]) * step * 0.57;
          }
        }
        EXPECT_NEAR(got, exact_dot(c.w_deq, c.x), act_tol);

        // 3. Against the generic kernel on the same prepared activation.
        const float generic = ref_k.dot(n, c.w, act.data());
        // (The K-quant variants form the same per-block integers as the generic kernel; only
        // the compiler's FMA contraction of the per-block float step may differ, by an ulp.)
        EXPECT_NEAR(got, generic, 2 * order_tol);
      }
    }
  }
}

TEST(Dot, ActivationFormatsPerType) {
  for (GgmlType type : kWeightTypes) {
    const DotKernel& k = dot_kernel_for(type, Isa::kGeneric);
    const int64_t bs = traits(type).block_size;
    const GgmlType want = bs == 1 ? GgmlType::F32 : (bs == kQK ? GgmlType::Q8_0 : GgmlType::Q8_K);
    EXPECT_EQ(k.act_type, want) << traits(type).name;
    EXPECT_EQ(k.act_bytes(512), bs == 1 ? 2048u : row_bytes(want, 512)) << traits(type).name;
    for (Isa isa : available_isas()) {
      // The activation code is shared: identical on every ISA.
      EXPECT_EQ(dot_kernel_for(type, isa).quantize_act, k.quantize_act);
      EXPECT_EQ(dot_kernel_for(type, isa).act_type, k.act_type);
    }
  }
}

TEST(Dot, Q8_0ActivationRoundsHalfAwayFromZero) {
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;  // d = 1
  x[1] = 2.5f;
  x[2] = -2.5f;
  x[3] = 0.5f;
  x[4] = 1.49f;
  std::vector<uint8_t> act(34);
  dot_kernel_for(GgmlType::Q8_0, Isa::kGeneric).quantize_act(x.data(), act.data(), 32);
  BlockQ8_0 blk;
  std::memcpy(&blk, act.data(), sizeof blk);
  EXPECT_EQ(to_f32(blk.d), 1.0f);
  EXPECT_EQ(blk.qs[0], 127);
  EXPECT_EQ(blk.qs[1], 3);
  EXPECT_EQ(blk.qs[2], -3);
  EXPECT_EQ(blk.qs[3], 1);
  EXPECT_EQ(blk.qs[4], 1);
}

TEST(Dot, Q8_KActivationRoundsHalfToEvenWithSignedScale) {
  std::vector<float> x(256, 0.0f);
  x[0] = 127.0f;  // the largest magnitude: iscale = −1, d = −1
  x[1] = 2.5f;    // → −2.5 → −2 (even)
  x[2] = 3.5f;    // → −3.5 → −4 (even)
  x[3] = -0.5f;   // → 0.5 → 0
  x[17] = -5.0f;
  std::vector<uint8_t> act(292);
  dot_kernel_for(GgmlType::Q4_K, Isa::kGeneric).quantize_act(x.data(), act.data(), 256);
  BlockQ8K blk;
  std::memcpy(&blk, act.data(), sizeof blk);
  EXPECT_EQ(blk.d, -1.0f);
  EXPECT_EQ(blk.qs[0], -127);
  EXPECT_EQ(blk.qs[1], -2);
  EXPECT_EQ(blk.qs[2], -4);
  EXPECT_EQ(blk.qs[3], 0);
  EXPECT_EQ(blk.qs[17], 5);
  EXPECT_EQ(blk.bsums[0], -127 - 2 - 4);
  EXPECT_EQ(blk.bsums[1], 5);
  for (int g = 2; g < 16; ++g) EXPECT_EQ(blk.bsums[g], 0);
  // An all-zero block gives d = 0 and zero codes.
  std::vector<float> zeros(256, 0.0f);
  dot_kernel_for(GgmlType::Q4_K, Isa::kGeneric).quantize_act(zeros.data(), act.data(), 256);
  std::memcpy(&blk, act.data(), sizeof blk);
  EXPECT_EQ(blk.d, 0.0f);
  for (int j = 0; j < 256; ++j) ASSERT_EQ(blk.qs[j], 0);
}

TEST(Dot, ExtremeCodesDoNotOverflow) {
  // Every weight code at its extreme with every activation at ±127: the int16/int32
  // intermediate sums of the SIMD kernels must hold.
  for (GgmlType type : kWeightTypes) {
    if (traits(type).block_size == 1) continue;
    const int64_t n = 2 * kQKK;
    // Alternating ±1 quantizes to the lowest and highest code of every format.
    std::vector<uint8_t> w(row_bytes(type, n));
    std::vector<float> src(n);
    for (int64_t i = 0; i < n; ++i) src[i] = (i % 2) ? 1.0f : -1.0f;
    quantize_row(type, src.data(), w.data(), n);
    std::vector<float> x(n);
    for (int64_t i = 0; i < n; ++i) x[i] = (i % 3) ? 1.0f : -1.0f;  // activations ±127
    const DotKernel& g = dot_kernel_for(type, Isa::kGeneric);
    std::vector<uint8_t> act(g.act_bytes(n));
    g.quantize_act(x.data(), act.data(), n);
    std::vector<float> wd(n);
    dequantize_row(type, w.data(), wd.data(), n);
    const std::vector<float> a = dequantize_act(g.act_type, act, n);
    for (Isa isa : available_isas()) {
      const float got = dot_kernel_for(type, isa).dot(n, w.data(), act.data());
      EXPECT_NEAR(got, exact_dot(wd, a), 1e-5 * abs_dot(wd, a) + 1e-30) << traits(type).name << " " << isa_name(isa);
    }
  }
}

TEST(Isa, SelectionAndNames) {
  const std::vector<Isa> isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::kGeneric);
  EXPECT_STREQ(isa_name(Isa::kGeneric), "generic");
  EXPECT_STREQ(isa_name(Isa::kAvx2), "avx2");
  EXPECT_STREQ(isa_name(Isa::kAvx512), "avx512");
  bool selected_available = false;
  for (Isa i : isas) selected_available |= (i == selected_isa());
  EXPECT_TRUE(selected_available);
  for (GgmlType type : kWeightTypes)
    EXPECT_EQ(&dot_kernel(type), &dot_kernel_for(type, selected_isa())) << traits(type).name;
  std::printf("  available ISAs:");
  for (Isa i : isas) std::printf(" %s", isa_name(i));
  std::printf("; selected: %s\n", isa_name(selected_isa()));
}

TEST(Isa, SpecialisedKernelsExistForTheCommonTypes) {
  for (Isa isa : available_isas()) {
    if (isa == Isa::kGeneric) continue;
    for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0,
                          GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K})
      EXPECT_TRUE(has_specialized_dot(type, isa)) << isa_name(isa) << " " << traits(type).name;
  }
}

// dot_tokens decodes a weight row once for several activations; each result must be exactly
// what dot gives for that activation alone (the prompt and decode paths agree bit for bit).
TEST(Dot, SeveralTokensMatchOneAtATimeExactly) {
  const int64_t n = 1536;
  int checked = 0;
  for (Isa isa : available_isas()) {
    for (GgmlType type : kWeightTypes) {
      const DotKernel& k = dot_kernel_for(type, isa);
      if (k.dot_tokens == nullptr) continue;
      SCOPED_TRACE(std::string(isa_name(isa)) + " " + std::string(traits(type).name));
      const Case c = make_case(type, n, 7 + static_cast<uint32_t>(type));
      // Activation rows with a stride that is not a multiple of the row size.
      const size_t stride = k.act_bytes(n) + 64;
      std::vector<uint8_t> acts(stride * kMaxDotTokens);
      for (int t = 0; t < kMaxDotTokens; ++t) {
        const std::vector<float> x = gaussian(n, 100 + t, 1.0f + t);
        k.quantize_act(x.data(), acts.data() + t * stride, n);
      }
      for (int n_act = 1; n_act <= kMaxDotTokens; ++n_act) {
        float out[kMaxDotTokens] = {};
        k.dot_tokens(n, c.w, acts.data(), stride, n_act, out);
        for (int t = 0; t < n_act; ++t)
          EXPECT_EQ(out[t], k.dot(n, c.w, acts.data() + t * stride)) << "n_act=" << n_act << " t=" << t;
      }
      ++checked;
    }
  }
  // Every x86 CPU this runs on has AVX2: the 32-block and K-quant kernels have the multi-token form.
#if defined(__x86_64__)
  EXPECT_GE(checked, 6);
#endif
}

}  // namespace
}  // namespace onboard::kernels
