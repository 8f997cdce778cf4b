// Shapes and window geometry shared by the CNN ops: float32 tensors in NHWC order.
#pragma once

#include <algorithm>
#include <cstdint>

namespace onboard::vision::ops {

struct Nhwc {
  int n = 1, h = 1, w = 1, c = 1;
  int64_t size() const { return int64_t{n} * h * w * c; }
};

enum class Act { kNone, kRelu, kRelu6 };

inline float activate(float v, Act a) {
  if (a == Act::kRelu) return std::max(v, 0.0f);
  if (a == Act::kRelu6) return std::min(std::max(v, 0.0f), 6.0f);
  return v;
}

// A sliding window over H and W: kernel size, stride, dilation and the padding before the first
// element (TFLite SAME puts the odd pixel of padding after, i.e. before = total / 2).
struct Window {
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
};

// Output extent and leading padding of one axis under TFLite's SAME / VALID rules.
struct AxisPlan {
  int out = 0, pad_before = 0;
};
inline AxisPlan plan_axis(int in, int k, int stride, int dilation, bool same) {
  const int span = (k - 1) * dilation + 1;
  if (!same) return {in >= span ? (in - span) / stride + 1 : 0, 0};
  const int out = (in + stride - 1) / stride;
  const int total = std::max((out - 1) * stride + span - in, 0);
  return {out, total / 2};
}

}  // namespace onboard::vision::ops
