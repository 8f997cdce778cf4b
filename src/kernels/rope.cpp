#include "kernels/rope.h"

#include <algorithm>
#include <cmath>

namespace onboard::kernels {

std::vector<float> rope_inv_freq(float base, int64_t rope_dim, const std::vector<float>& divisors) {
  std::vector<float> f(rope_dim / 2);
  for (int64_t i = 0; i < rope_dim / 2; ++i) {
    // As HF computes it: exponent in float, power and reciprocal in float.
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(rope_dim);
    f[i] = 1.0f / std::pow(base, exponent);
    if (!divisors.empty()) f[i] /= divisors[i];
  }
  return f;
}

YarnRange yarn_correction_range(float beta_fast, float beta_slow, int64_t rope_dim, float base, int64_t orig_ctx) {
  // The pair index whose wavelength makes `rotations` turns over the original context.
  auto dim_for = [&](double rotations) {
    return static_cast<double>(rope_dim) * std::log(static_cast<double>(orig_ctx) / (rotations * 2 * M_PI)) /
           (2 * std::log(static_cast<double>(base)));
  };
  YarnRange r;
  r.low = std::max<int64_t>(static_cast<int64_t>(std::floor(dim_for(beta_fast))), 0);
  r.high = std::min<int64_t>(static_cast<int64_t>(std::ceil(dim_for(beta_slow))), rope_dim - 1);
  return r;
}

std::vector<float> yarn_inv_freq(float base, int64_t rope_dim, float factor, int64_t orig_ctx, float beta_fast,
                                 float beta_slow) {
  std::vector<float> f = rope_inv_freq(base, rope_dim, {});
  const YarnRange r = yarn_correction_range(beta_fast, beta_slow, rope_dim, base, orig_ctx);
  const float low = static_cast<float>(r.low);
  const float high = r.low == r.high ? static_cast<float>(r.high) + 0.001f : static_cast<float>(r.high);
  for (size_t i = 0; i < f.size(); ++i) {
    const float ramp = std::clamp((static_cast<float>(i) - low) / (high - low), 0.0f, 1.0f);
    const float keep = 1.0f - ramp;  // model.py's `smooth`
    f[i] = f[i] / factor * (1.0f - keep) + f[i] * keep;
  }
  return f;
}

double yarn_mscale(double factor, double mscale) {
  if (factor <= 1.0) return 1.0;
  return 0.1 * mscale * std::log(factor) + 1.0;
}

void rope_cos_sin(const std::vector<float>& inv_freq, int64_t pos, float* cos_sin) {
  for (size_t i = 0; i < inv_freq.size(); ++i) {
    const float angle = static_cast<float>(pos) * inv_freq[i];
    cos_sin[2 * i] = static_cast<float>(std::cos(static_cast<double>(angle)));
    cos_sin[2 * i + 1] = static_cast<float>(std::sin(static_cast<double>(angle)));
  }
}

void apply_rope(float* x, int64_t n_heads, int64_t head_dim, int64_t rope_dim, const float* cos_sin,
                model::RopeLayout layout) {
  const int64_t half = rope_dim / 2;
  // Pair i is (i, i+half) for the half-split layout, (2i, 2i+1) for the interleaved one.
  const int64_t step = layout == model::RopeLayout::kHalfSplit ? 1 : 2;
  const int64_t partner = layout == model::RopeLayout::kHalfSplit ? half : 1;
  for (int64_t h = 0; h < n_heads; ++h) {
    float* v = x + h * head_dim;
    for (int64_t i = 0; i < half; ++i) {
      const float c = cos_sin[2 * i], s = cos_sin[2 * i + 1];
      float& a = v[i * step];
      float& b = v[i * step + partner];
      const float a0 = a, b0 = b;
      a = a0 * c - b0 * s;
      b = b0 * c + a0 * s;
    }
  }
}

}  // namespace onboard::kernels
