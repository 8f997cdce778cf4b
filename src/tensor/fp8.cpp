#include "tensor/fp8.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

namespace onboard {
namespace {

// Built from the bit fields: a normal code's exponent is rebiased into an IEEE single
// (7 -> 127) and its mantissa shifted to the top; subnormals are m * 2^-9 exactly.
std::array<float, 256> build_table() {
  std::array<float, 256> t{};
  for (uint32_t c = 0; c < 256; ++c) {
    const uint32_t sign = (c >> 7) & 1, e = (c >> 3) & 0xF, m = c & 7;
    float v;
    if ((c & 0x7F) == 0x7F) {
      v = std::nanf("");
    } else if (e == 0) {
      v = static_cast<float>(m) / 512.0f;
    } else {
      v = std::bit_cast<float>(((e - 7 + 127) << 23) | (m << 20));
    }
    t[c] = sign ? -v : v;
  }
  return t;
}

const std::array<float, 256> kTable = build_table();

}  // namespace

float fp8_e4m3_to_float(uint8_t code) { return kTable[code]; }

uint8_t float_to_fp8_e4m3(float x) {
  if (std::isnan(x)) return 0x7F;
  const uint8_t sign = std::signbit(x) ? 0x80 : 0;
  const float a = std::min(std::fabs(x), 448.0f);
  if (a < 0.015625f) {  // below 2^-6: subnormal steps of 2^-9 (q == 8 is the smallest normal)
    return sign | static_cast<uint8_t>(std::nearbyint(a * 512.0f));
  }
  int exp2 = 0;
  const float f = std::frexp(a, &exp2);  // a = f * 2^exp2, f in [0.5, 1)
  int e = exp2 - 1;                       // a = (2f) * 2^e, 2f in [1, 2)
  int m = static_cast<int>(std::nearbyint((2.0f * f - 1.0f) * 8.0f));  // exact: 2f-1 has <= 24 bits
  if (m == 8) {
    m = 0;
    ++e;
  }
  return sign | static_cast<uint8_t>(((e + 7) << 3) | m);
}

void dequantize_fp8_blocks(const uint8_t* q, const float* scale, int64_t rows, int64_t cols, float* out) {
  const int64_t scale_cols = (cols + kFp8BlockSize - 1) / kFp8BlockSize;
  for (int64_t r = 0; r < rows; ++r) {
    const float* srow = scale + (r / kFp8BlockSize) * scale_cols;
    for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = kTable[q[r * cols + c]] * srow[c / kFp8BlockSize];
  }
}

void quantize_fp8_blocks(const float* w, int64_t rows, int64_t cols, uint8_t* q, float* scale) {
  const int64_t scale_rows = (rows + kFp8BlockSize - 1) / kFp8BlockSize;
  const int64_t scale_cols = (cols + kFp8BlockSize - 1) / kFp8BlockSize;
  for (int64_t br = 0; br < scale_rows; ++br) {
    const int64_t r0 = br * kFp8BlockSize, r1 = std::min(rows, r0 + kFp8BlockSize);
    for (int64_t bc = 0; bc < scale_cols; ++bc) {
      const int64_t c0 = bc * kFp8BlockSize, c1 = std::min(cols, c0 + kFp8BlockSize);
      float amax = 0;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(w[r * cols + c]));
      const float s = amax > 0 ? amax / 448.0f : 1.0f;
      scale[br * scale_cols + bc] = s;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) q[r * cols + c] = float_to_fp8_e4m3(w[r * cols + c] / s);
    }
  }
}

}  // namespace onboard
