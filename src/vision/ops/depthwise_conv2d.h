// DEPTHWISE_CONV_2D (depth multiplier 1) in NHWC: out[n,y,x,c] = act(bias[c] +
// sum_{ky,kx} in[n, y*s+ky*d-pt, x*s+kx*d-pl, c] * w[ky,kx,c]); weights as TFLite stores them
// ([1][KH][KW][C]). The fast path runs the channel loop innermost (contiguous, vectorized).
#pragma once

#include "core/thread_pool.h"
#include "vision/ops/nhwc.h"

namespace onboard::vision::ops {

void depthwise_conv2d_reference(const float* in, Nhwc in_shape, const float* weights, const float* bias, float* out,
                                Nhwc out_shape, const Window& win, Act act);
void depthwise_conv2d(const float* in, Nhwc in_shape, const float* weights, const float* bias, float* out,
                      Nhwc out_shape, const Window& win, Act act, ThreadPool* pool);

}  // namespace onboard::vision::ops
