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

// 256-element super-block formats (quantize_kquants.cpp).
void quantize_q2_k(const float* x, BlockQ2K* y, int64_t n);
void quantize_q3_k(const float* x, BlockQ3K* y, int64_t n);
void quantize_q4_k(const float* x, BlockQ4K* y, int64_t n);
void quantize_q5_k(const float* x, BlockQ5K* y, int64_t n);
void quantize_q6_k(const float* x, BlockQ6K* y, int64_t n);
void quantize_iq4_xs(const float* x, BlockIQ4XS* y, int64_t n);

}  // namespace onboard::quant
