#include "tensor/quant_search.h"

#include <algorithm>
#include <cmath>

#include "tensor/block_layouts.h"

namespace onboard::quant {
namespace {

constexpr float kTinyGroup = 1e-15f;  // groups with max|x| below this quantize to zero

}  // namespace

float search_symmetric_scale(int n, int nmax, const float* x, uint8_t* codes) {
  float signed_max = 0, abs_max = 0;
  for (int i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (a > abs_max) {
      abs_max = a;
      signed_max = x[i];
    }
  }
  if (abs_max < kTinyGroup) {
    std::memset(codes, nmax, static_cast<size_t>(n));  // code nmax means 0
    return 0;
  }
  // Try inverse scales -(nmax + 0.1·k)/max for k = -9..9; the largest magnitude value lands on
  // -nmax (the end of the range that has one more level), refit the scale for each trial.
  float best_scale = 0, best_score = -1;
  uint8_t trial[256];
  for (int k = 0; k <= 18; ++k) {
    const int step = k == 0 ? 0 : (k <= 9 ? -k : k - 9);  // 0 first, then -1..-9, then 1..9
    const float inv = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / signed_max;
    float sum_xl = 0, sum_ll = 0;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(nearest_int(inv * x[i]), -nmax, nmax - 1);
      trial[i] = static_cast<uint8_t>(l + nmax);
      const float w = x[i] * x[i];
      sum_xl += w * x[i] * static_cast<float>(l);
      sum_ll += w * static_cast<float>(l * l);
    }
    if (sum_ll <= 0) continue;
    // The weighted error of the least-squares scale is Σw·x² − sum_xl²/sum_ll: maximise the ratio.
    const float score = sum_xl * sum_xl / sum_ll;
    if (score > best_score) {
      best_score = score;
      best_scale = sum_xl / sum_ll;
      std::memcpy(codes, trial, static_cast<size_t>(n));
    }
  }
  if (best_score < 0) std::memset(codes, nmax, static_cast<size_t>(n));
  return best_scale;
}

float search_affine_scale(int n, int nmax, const float* x, const float* w, uint8_t* codes, float* offset,
                          float rmin, float rdelta, int steps, bool use_abs) {
  float lo = x[0], hi = x[0], sum_w = 0, sum_x = 0, sum_xx = 0;
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
    sum_w += w[i];
    sum_x += w[i] * x[i];
    sum_xx += w[i] * x[i] * x[i];
  }
  lo = std::min(lo, 0.0f);
  if (hi <= lo) {  // constant non-positive group (or all zero): only the offset is needed
    std::memset(codes, 0, static_cast<size_t>(n));
    *offset = -lo;
    return 0;
  }
  auto error_of = [&](const uint8_t* l, float scale, float min) {
    float err = 0;
    for (int i = 0; i < n; ++i) {
      const float diff = scale * static_cast<float>(l[i]) + min - x[i];
      err += w[i] * (use_abs ? std::fabs(diff) : diff * diff);
    }
    return err;
  };
  auto assign = [&](float inv, float min, uint8_t* l) {
    for (int i = 0; i < n; ++i) l[i] = static_cast<uint8_t>(std::clamp(nearest_int(inv * (x[i] - min)), 0, nmax));
  };

  // Start from the plain min/max grid.
  float inv = static_cast<float>(nmax) / (hi - lo);
  float scale = 1 / inv, min = lo;
  assign(inv, min, codes);
  float best_err = error_of(codes, scale, min);

  uint8_t trial[256];
  for (int k = 0; k <= steps; ++k) {
    inv = (rmin + rdelta * static_cast<float>(k) + static_cast<float>(nmax)) / (hi - lo);
    float sum_l = 0, sum_ll = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(nearest_int(inv * (x[i] - lo)), 0, nmax);
      trial[i] = static_cast<uint8_t>(l);
      sum_l += w[i] * static_cast<float>(l);
      sum_ll += w[i] * static_cast<float>(l * l);
      sum_xl += w[i] * static_cast<float>(l) * x[i];
    }
    // Weighted least squares for x ≈ s·l + m, with m ≤ 0 enforced afterwards.
    const float det = sum_w * sum_ll - sum_l * sum_l;
    if (det <= 0) continue;
    float s = (sum_w * sum_xl - sum_x * sum_l) / det;
    float m = (sum_ll * sum_x - sum_l * sum_xl) / det;
    if (m > 0) {
      m = 0;
      s = sum_xl / sum_ll;
    }
    // Squared error from the sums already at hand (no second pass); |error| needs the pass.
    const float err = use_abs ? error_of(trial, s, m)
                              : s * s * sum_ll + 2 * s * m * sum_l + m * m * sum_w - 2 * s * sum_xl - 2 * m * sum_x + sum_xx;
    if (err < best_err) {
      best_err = err;
      scale = s;
      min = m;
      std::memcpy(codes, trial, static_cast<size_t>(n));
    }
  }
  *offset = -min;
  return scale;
}

int nearest_iq4nl_index(float v) {
  // Levels are sorted: find the first level ≥ v, then pick the closer neighbour.
  int hi = 0;
  while (hi < 16 && kIq4nlValues[hi] < v) ++hi;
  if (hi == 0) return 0;
  if (hi == 16) return 15;
  return (v - static_cast<float>(kIq4nlValues[hi - 1]) <= static_cast<float>(kIq4nlValues[hi]) - v) ? hi - 1 : hi;
}

float search_nonlinear_scale(int n, const float* x, const float* w, uint8_t* codes) {
  float signed_max = 0, abs_max = 0;
  for (int i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (a > abs_max) {
      abs_max = a;
      signed_max = x[i];
    }
  }
  if (abs_max < kTinyGroup) {
    std::memset(codes, 8, static_cast<size_t>(n));  // level 1 (smallest magnitude) with scale 0
    return 0;
  }
  // Map the largest magnitude onto the outermost level −127, then try nearby stretches.
  float best_scale = 0, best_score = -1;
  uint8_t trial[256];
  for (int k = -7; k <= 7; ++k) {
    const float inv = (static_cast<float>(kIq4nlValues[0]) + static_cast<float>(k)) / signed_max;
    float sum_xq = 0, sum_qq = 0;
    for (int i = 0; i < n; ++i) {
      const int idx = nearest_iq4nl_index(inv * x[i]);
      trial[i] = static_cast<uint8_t>(idx);
      const float q = kIq4nlValues[idx];
      sum_xq += w[i] * x[i] * q;
      sum_qq += w[i] * q * q;
    }
    if (sum_qq <= 0) continue;
    const float score = sum_xq * sum_xq / sum_qq;
    if (score > best_score) {
      best_score = score;
      best_scale = sum_xq / sum_qq;
      std::memcpy(codes, trial, static_cast<size_t>(n));
    }
  }
  if (best_score < 0) {
    std::memset(codes, 8, static_cast<size_t>(n));
    return 0;
  }
  return best_scale;
}

}  // namespace onboard::quant
