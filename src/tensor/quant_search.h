// Scale searches used by the reference quantizers: for a small group of values, find the
// scale (and, for the affine formats, the offset) whose rounded codes reproduce the values
// with the least weighted error. The ideas follow GGML's reference quantizers: try a fan of
// candidate scales around max/nmax, assign codes, refit the scale (and min) by weighted least
// squares, keep the best.
#pragma once

#include <cstdint>
#include <cstring>

namespace onboard::quant {

// Round to nearest, ties to even: adding 1.5·2^23 leaves the rounded integer in the low
// mantissa bits, independent of the FPU mode. Exact for |x| < 2^22; larger inputs (which only
// get clamped to a small code range afterwards) saturate at ±(2^22 − 1).
inline int nearest_int(float x) {
  x = x < -4194303.0f ? -4194303.0f : (x > 4194303.0f ? 4194303.0f : x);
  const float shifted = x + 12582912.0f;
  int32_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  return (bits & 0x007FFFFF) - 0x00400000;
}

// Symmetric codes l in [-nmax, nmax-1] with x ≈ scale·l, weights w_i = x_i² (emphasise large
// values, as GGML does for Q3_K / Q6_K). Writes codes + nmax (0 .. 2·nmax-1) to codes and
// returns the scale (0 for an all-zero group).
float search_symmetric_scale(int n, int nmax, const float* x, uint8_t* codes);

// Affine codes l in [0, nmax] with x ≈ scale·l − offset, offset ≥ 0 (the group's minimum is
// clamped to at most 0). Candidate inverse scales are (nmax + rmin + rdelta·k)/(max − min) for
// k = 0..steps; each is refit by weighted least squares. Error is Σ w·|err| when use_abs,
// else Σ w·err². Returns the scale; *offset receives the (non-negative) offset.
float search_affine_scale(int n, int nmax, const float* x, const float* w, uint8_t* codes, float* offset,
                          float rmin, float rdelta, int steps, bool use_abs);

// IQ4_NL-style codes: x ≈ scale·kIq4nlValues[code]. Returns the scale; weights w.
float search_nonlinear_scale(int n, const float* x, const float* w, uint8_t* codes);

// Index of the IQ4_NL level nearest to v (v in units of the scale).
int nearest_iq4nl_index(float v);

}  // namespace onboard::quant
