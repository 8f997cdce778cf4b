// Element-wise ops of the face models. Each is a single contiguous loop the compiler vectorizes,
// so the scalar loop is both the reference and the fast path.
#pragma once

#include <cstdint>

#include "vision/ops/nhwc.h"

namespace onboard::vision::ops {

// ADD of two same-shaped tensors (the models' residual connections).
void add(const float* a, const float* b, float* out, int64_t n, Act act);
void relu(const float* in, float* out, int64_t n);
// PRELU: out = x >= 0 ? x : alpha * x, alpha broadcast over the trailing `alpha_n` elements
// (per channel when alpha has C elements, per position when it has H*W*C).
void prelu(const float* in, const float* alpha, int64_t alpha_n, float* out, int64_t n);

}  // namespace onboard::vision::ops
