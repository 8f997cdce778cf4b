// MAX_POOL_2D in NHWC; padded positions are ignored (never win), as in TFLite.
#pragma once

#include "core/thread_pool.h"
#include "vision/ops/nhwc.h"

namespace onboard::vision::ops {

void max_pool2d_reference(const float* in, Nhwc in_shape, float* out, Nhwc out_shape, const Window& win, Act act);
// Channels innermost (vectorized max over contiguous rows).
void max_pool2d(const float* in, Nhwc in_shape, float* out, Nhwc out_shape, const Window& win, Act act,
                ThreadPool* pool);

}  // namespace onboard::vision::ops
