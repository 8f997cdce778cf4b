// Quantizers for the 32-element formats. Q4_0 … Q8_0 use the classic single-pass rules
// (the block's extreme value fixes the scale), which is what GGUF producers write and makes
// quantize(dequantize(block)) reproduce a block exactly; IQ4_NL searches its scale.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "tensor/quant_search.h"
#include "tensor/quantize_formats.h"

namespace onboard::quant {
namespace {

// The value of largest magnitude, with its sign.
float signed_abs_max(const float* x, int n) {
  float best = 0, best_abs = 0;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > best_abs) {
      best_abs = std::fabs(x[i]);
      best = x[i];
    }
  }
  return best;
}

void min_max(const float* x, int n, float* lo, float* hi) {
  *lo = x[0];
  *hi = x[0];
  for (int i = 1; i < n; ++i) {
    *lo = std::min(*lo, x[i]);
    *hi = std::max(*hi, x[i]);
  }
}

// Symmetric 4/5-bit: the extreme value maps to code 0 (−2^(bits−1)), codes are truncated
// after a +half offset, so they stay in range without a lower clamp.
template <int kLevels>
void symmetric_codes(const float* x, float* d_out, uint8_t* codes) {
  const float extreme = signed_abs_max(x, kQK);
  const float d = extreme / -static_cast<float>(kLevels / 2);
  const float id = d != 0 ? 1.0f / d : 0.0f;
  for (int j = 0; j < kQK; ++j) {
    const int q = static_cast<int>(x[j] * id + (static_cast<float>(kLevels / 2) + 0.5f));
    codes[j] = static_cast<uint8_t>(std::clamp(q, 0, kLevels - 1));
  }
  *d_out = d;
}

// Affine 4/5-bit: codes 0 … kLevels−1 span [min, max].
template <int kLevels>
void affine_codes(const float* x, float* d_out, float* m_out, uint8_t* codes) {
  float lo, hi;
  min_max(x, kQK, &lo, &hi);
  const float d = (hi - lo) / static_cast<float>(kLevels - 1);
  const float id = d != 0 ? 1.0f / d : 0.0f;
  for (int j = 0; j < kQK; ++j) {
    const int q = static_cast<int>((x[j] - lo) * id + 0.5f);
    codes[j] = static_cast<uint8_t>(std::clamp(q, 0, kLevels - 1));
  }
  *d_out = d;
  *m_out = lo;
}

void pack_nibbles(const uint8_t* codes, uint8_t* qs) {
  for (int j = 0; j < kQK / 2; ++j) qs[j] = static_cast<uint8_t>((codes[j] & 0xF) | ((codes[j + kQK / 2] & 0xF) << 4));
}

void pack_fifth_bits(const uint8_t* codes, uint8_t* qh) {
  uint32_t bits = 0;
  for (int j = 0; j < kQK; ++j) bits |= static_cast<uint32_t>((codes[j] >> 4) & 1) << j;
  std::memcpy(qh, &bits, 4);
}

}  // namespace

void quantize_q4_0(const float* x, BlockQ4_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float d;
    uint8_t codes[kQK];
    symmetric_codes<16>(x, &d, codes);
    y[b].d = to_fp16_field(d);
    pack_nibbles(codes, y[b].qs);
  }
}

void quantize_q4_1(const float* x, BlockQ4_1* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float d, m;
    uint8_t codes[kQK];
    affine_codes<16>(x, &d, &m, codes);
    y[b].d = to_fp16_field(d);
    y[b].m = to_fp16_field(m);
    pack_nibbles(codes, y[b].qs);
  }
}

void quantize_q5_0(const float* x, BlockQ5_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float d;
    uint8_t codes[kQK];
    symmetric_codes<32>(x, &d, codes);
    y[b].d = to_fp16_field(d);
    pack_nibbles(codes, y[b].qs);
    pack_fifth_bits(codes, y[b].qh);
  }
}

void quantize_q5_1(const float* x, BlockQ5_1* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float d, m;
    uint8_t codes[kQK];
    affine_codes<32>(x, &d, &m, codes);
    y[b].d = to_fp16_field(d);
    y[b].m = to_fp16_field(m);
    pack_nibbles(codes, y[b].qs);
    pack_fifth_bits(codes, y[b].qh);
  }
}

void quantize_q8_0(const float* x, BlockQ8_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y[b].d = to_fp16_field(d);
    for (int j = 0; j < kQK; ++j) y[b].qs[j] = static_cast<int8_t>(std::round(x[j] * id));  // half away from 0
  }
}

void quantize_iq4_nl(const float* x, BlockIQ4NL* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float w[kQK];
    for (int j = 0; j < kQK; ++j) w[j] = x[j] * x[j];
    uint8_t codes[kQK];
    const float scale = search_nonlinear_scale(kQK, x, w, codes);
    y[b].d = to_fp16_field(scale);
    const float d = to_f32(y[b].d);
    // Re-assign against the stored (fp16-rounded) scale.
    if (d != 0) {
      const float id = 1.0f / d;
      for (int j = 0; j < kQK; ++j) codes[j] = static_cast<uint8_t>(nearest_iq4nl_index(x[j] * id));
    }
    pack_nibbles(codes, y[b].qs);
  }
}

}  // namespace onboard::quant
