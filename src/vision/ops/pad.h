// PAD with zeros on the H, W and C axes of an NHWC tensor (the batch axis is never padded by
// the face models). The fast path copies whole input rows; the reference visits every element.
#pragma once

#include "vision/ops/nhwc.h"

namespace onboard::vision::ops {

struct Pad4 {
  int before[4] = {0, 0, 0, 0}, after[4] = {0, 0, 0, 0};  // N, H, W, C
};

void pad_reference(const float* in, Nhwc in_shape, const Pad4& pad, float* out);
void pad(const float* in, Nhwc in_shape, const Pad4& pad, float* out);

}  // namespace onboard::vision::ops
