// Scalar conversions between float and the two 16-bit float formats stored in model files.
// IEEE binary16 ("fp16") and bfloat16 (the upper half of an IEEE binary32).
// Reference: shared/reference/deepseek-models.md §7 (F16, BF16).
//
// The helpers are always inlined: this header is also included by the ISA-specific
// translation units (*_avx2.cpp, *_avx512.cpp), and an out-of-line copy compiled there
// must never be the one the linker keeps for generic code.
#pragma once

#include <cstdint>
#include <cstring>

namespace onboard {

#define ONBOARD_ALWAYS_INLINE [[gnu::always_inline]] inline

ONBOARD_ALWAYS_INLINE uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

ONBOARD_ALWAYS_INLINE float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Exact: every binary16 value (subnormals, infinities, NaN payloads) maps to its float.
ONBOARD_ALWAYS_INLINE float fp16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) return bits_float(sign | 0x7F800000u | (mantissa << 13));  // inf / NaN
  if (exponent != 0) return bits_float(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
  // Zero or subnormal: mantissa · 2^-24, exact in float.
  const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-08f;
  return bits_float(sign | float_bits(magnitude));
}

// Round to nearest, ties to even; overflow gives ±inf; NaN stays NaN (made quiet).
ONBOARD_ALWAYS_INLINE uint16_t f32_to_fp16(float f) {
  const uint32_t bits = float_bits(f);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) {  // NaN: keep the top payload bits, force the quiet bit
    return static_cast<uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
  }
  if (magnitude >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520 → inf
  if (magnitude < 0x38800000u) {
    // Below the smallest normal half (2^-14): adding 0.5 puts the value's 2^-24 multiples
    // into the low mantissa bits, rounded to nearest-even by the FPU itself.
    const float shifted = bits_float(magnitude) + 0.5f;
    return static_cast<uint16_t>(sign | (float_bits(shifted) - float_bits(0.5f)));
  }
  // Normal: rebias the exponent and round the 13 dropped mantissa bits to nearest-even.
  const uint32_t odd = (magnitude >> 13) & 1u;
  const uint32_t rounded = magnitude + (static_cast<uint32_t>(15 - 127) << 23) + 0xFFFu + odd;
  return static_cast<uint16_t>(sign | (rounded >> 13));
}

ONBOARD_ALWAYS_INLINE float bf16_to_f32(uint16_t b) { return bits_float(static_cast<uint32_t>(b) << 16); }

// Round to nearest, ties to even; NaN stays NaN (made quiet).
ONBOARD_ALWAYS_INLINE uint16_t f32_to_bf16(float f) {
  const uint32_t bits = float_bits(f);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  const uint32_t rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(rounded >> 16);
}

}  // namespace onboard
