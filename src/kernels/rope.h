// Rotary position embedding (reference §1.3). The per-pair frequencies are computed once
// at load (base^(-2i/d), divided by llama3 `rope_freqs` factors or YaRN-blended by the
// caller); per position we build a cos/sin table once and rotate every head with it.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace onboard::kernels {

// inv_freq[i] = base^(-2i/dim) / divisor[i]  (divisors may be empty).
std::vector<float> rope_inv_freq(float base, int64_t rope_dim, const std::vector<float>& divisors);

// DeepSeek's YaRN (reference §4.4, model.py find_correction_range / linear_ramp_factor):
// the pair index below which frequencies are kept and above which they are divided by
// `factor`, for rotations beta_fast / beta_slow over the original context.
struct YarnRange {
  int64_t low = 0, high = 0;
};
YarnRange yarn_correction_range(float beta_fast, float beta_slow, int64_t rope_dim, float base, int64_t orig_ctx);
// base^(-2i/d) blended between the original and the factor-interpolated frequency by the
// linear ramp over [low, high]. cos/sin are not magnitude-scaled (the ratio is 1 for every
// DeepSeek config); the attention scale carries yarn_mscale() squared instead.
std::vector<float> yarn_inv_freq(float base, int64_t rope_dim, float factor, int64_t orig_ctx, float beta_fast,
                                 float beta_slow);
// 0.1 * mscale * ln(factor) + 1 (1 when factor <= 1).
double yarn_mscale(double factor, double mscale);

// cos_sin[2i], cos_sin[2i+1] = cos, sin of pos * inv_freq[i]; rope_dim/2 pairs.
void rope_cos_sin(const std::vector<float>& inv_freq, int64_t pos, float* cos_sin);

// Rotates the first rope_dim values of each of n_heads vectors (stride head_dim).
void apply_rope(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dim, const float* cos_sin,
                model::RopeLayout layout);

}  // namespace onboard::kernels
