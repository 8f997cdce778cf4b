// SwiGLU gate (reference §0.2): out = silu(gate) ⊙ up.
#pragma once

#include <cstdint>

namespace onboard::kernels {

void swiglu(const float* gate, const float* up, float* out, int64_t n);

}  // namespace onboard::kernels
