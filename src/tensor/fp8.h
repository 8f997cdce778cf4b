// DeepSeek's FP8 weights (reference §5): float8_e4m3fn elements with one F32 multiplier per
// 128x128 block (`weight_scale_inv`, despite its name a multiplier; edge blocks partial).
#pragma once

#include <cstdint>

namespace onboard {

inline constexpr int64_t kFp8BlockSize = 128;

// e4m3fn (OCP): 1 sign, 4 exponent (bias 7), 3 mantissa bits; exponent 0 is subnormal,
// S.1111.111 (0x7F, 0xFF) is NaN, there are no infinities, the largest finite value is 448.
float fp8_e4m3_to_float(uint8_t code);
// Nearest e4m3fn code, ties to even; magnitudes beyond 448 saturate to +-448 (as the
// saturating casts of FP8 quantizers do), NaN gives 0x7F.
uint8_t float_to_fp8_e4m3(float x);

// W[r][c] = fp8(q[r][c]) * scale[r / 128][c / 128] for a rows x cols weight, row-major;
// `scale` holds ceil(rows/128) x ceil(cols/128) multipliers. Writes rows x cols floats.
void dequantize_fp8_blocks(const uint8_t* q, const float* scale, int64_t rows, int64_t cols, float* out);

// The inverse, as DeepSeek's quantizer does it: per 128x128 block, scale = amax / 448 (1 for
// an all-zero block) and q = e4m3(w / scale). Writes rows x cols codes and the scales.
void quantize_fp8_blocks(const float* w, int64_t rows, int64_t cols, uint8_t* q, float* scale);

}  // namespace onboard
