// CONV_2D in NHWC: out[n,y,x,o] = act(bias[o] + sum_{ky,kx,i} in[n, y*s+ky*d-pt, x*s+kx*d-pl, i] *
// w[o,ky,kx,i]) with zero padding. The reference takes TFLite's [O][KH][KW][I] weights; the fast
// path takes them repacked into 16-wide output-channel tiles (pack_conv2d_weights) so a tile of
// 16 accumulators per pixel stays in vector registers; 1x1 convolutions are a GEMM this way.
#pragma once

#include <vector>

#include "core/thread_pool.h"
#include "vision/ops/nhwc.h"

namespace onboard::vision::ops {

constexpr int kConvTile = 16;
constexpr int kMaxConvTaps = 49;

void conv2d_reference(const float* in, Nhwc in_shape, const float* weights, const float* bias, float* out,
                      Nhwc out_shape, const Window& win, Act act);

// [ceil(O/16)][KH][KW][I][16], zero-filled past O.
std::vector<float> pack_conv2d_weights(const float* weights, int out_c, int kh, int kw, int in_c);

// `zeros` must hold at least in_shape.c zeros (read in place of padding); kh * kw <= kMaxConvTaps.
void conv2d(const float* in, Nhwc in_shape, const float* packed, const float* bias, float* out, Nhwc out_shape,
            const Window& win, Act act, const float* zeros, ThreadPool* pool);

}  // namespace onboard::vision::ops
