// RMSNorm (reference §1.1): out = g ⊙ x / sqrt(mean(x²) + eps), sum of squares in double.
#pragma once

#include <cstdint>

namespace onboard::kernels {

void rms_norm(const float* x, const float* g, float* out, int64_t n, float eps);

}  // namespace onboard::kernels
