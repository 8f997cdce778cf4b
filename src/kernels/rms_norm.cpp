#include "kernels/rms_norm.h"

#include <cmath>

namespace onboard::kernels {

void rms_norm(const float* x, const float* g, float* out, int64_t n, float eps) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  const float scale = 1.0f / std::sqrt(static_cast<float>(sum / static_cast<double>(n)) + eps);
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale * g[i];
}

}  // namespace onboard::kernels
