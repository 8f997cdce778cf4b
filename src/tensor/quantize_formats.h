// Per-format quantizers behind quantize_row (internal to src/tensor/ and its tests).
// Each converts n floats (a multiple of its block size) into consecutive blocks.
#pragma once

#include <cstdint>

#include "tensor/block_layouts.h"

namespace onboard::quant {

// 32-element formats (quantize_legacy.cpp).
void quantize_q4_0(const float* x, BlockQ4_0* y, int64_t n);
void quantize_q4_1(const float* x, BlockQ4_1* y, int64_t n);
void quantize_q5_0(const float* x, BlockQ5_0* y, int64_t n);
void quantize_q5_1(const float* x, BlockQ5_1* y, int64_t n);
void quantize_q8_0(const float* x, BlockQ8_0* y, int64_t n);
void quantize_iq4_nl(const float* x, BlockIQ4NL* y, int64_t n);

// The per-sub-block scale searches of a 256-value super-block: nearly all of a K-quant
// quantizer's time. The reference ones call quant_search.h once per sub-block; kernels/ has
// SIMD ones that run the sub-blocks side by side in the same float operation order, so the
// blocks come out bit-identical.
struct KQuantSearch {
  // Sub-block j of 32 (j < 8): scales[j] = search_affine_scale(32, nmax, x + 32j, w + 32j,
  // codes, &mins[j], rmin, rdelta, steps, false) (squared error).
  void (*affine8)(const float* x, const float* w, int nmax, float rmin, float rdelta, int steps, float* scales,
                  float* mins);
  // Sub-block j of 16 (j < 16): scales[j] = search_symmetric_scale(16, nmax, x + 16j, codes).
  void (*symmetric16)(const float* x, int nmax, float* scales);
};
const KQuantSearch& reference_kquant_search();

// 256-element super-block formats (quantize_kquants.cpp).
void quantize_q2_k(const float* x, BlockQ2K* y, int64_t n);
void quantize_q3_k(const float* x, BlockQ3K* y, int64_t n, const KQuantSearch& search = reference_kquant_search());
void quantize_q4_k(const float* x, BlockQ4K* y, int64_t n, const KQuantSearch& search = reference_kquant_search());
void quantize_q5_k(const float* x, BlockQ5K* y, int64_t n, const KQuantSearch& search = reference_kquant_search());
void quantize_q6_k(const float* x, BlockQ6K* y, int64_t n, const KQuantSearch& search = reference_kquant_search());
void quantize_iq4_xs(const float* x, BlockIQ4XS* y, int64_t n);

}  // namespace onboard::quant
