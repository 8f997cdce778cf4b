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

// cos_sin[2i], cos_sin[2i+1] = cos, sin of pos * inv_freq[i]; rope_dim/2 pairs.
void rope_cos_sin(const std::vector<float>& inv_freq, int64_t pos, float* cos_sin);

// Rotates the first rope_dim values of each of n_heads vectors (stride head_dim).
void apply_rope(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dim, const float* cos_sin,
                model::RopeLayout layout);

}  // namespace onboard::kernels
