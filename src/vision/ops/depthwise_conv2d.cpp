#include "vision/ops/depthwise_conv2d.h"

namespace onboard::vision::ops {

void depthwise_conv2d_reference(const float* in, Nhwc is, const float* w, const float* bias, float* out, Nhwc os,
                                const Window& win, Act act) {
  for (int n = 0; n < os.n; ++n)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x)
        for (int c = 0; c < os.c; ++c) {
          double acc = bias ? bias[c] : 0.0;
          for (int ky = 0; ky < win.kh; ++ky)
            for (int kx = 0; kx < win.kw; ++kx) {
              const int iy = y * win.stride_h + ky * win.dilation_h - win.pad_top;
              const int ix = x * win.stride_w + kx * win.dilation_w - win.pad_left;
              if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
              acc += double{in[((int64_t{n} * is.h + iy) * is.w + ix) * is.c + c]} *
                     w[(int64_t{ky} * win.kw + kx) * os.c + c];
            }
          out[((int64_t{n} * os.h + y) * os.w + x) * os.c + c] = activate(static_cast<float>(acc), act);
        }
}

namespace {

[[gnu::target_clones("arch=skylake-avx512", "arch=haswell", "default")]]
void accumulate_tap(float* __restrict acc, const float* __restrict src, const float* __restrict w, int c) {
  for (int i = 0; i < c; ++i) acc[i] += src[i] * w[i];
}

}  // namespace

void depthwise_conv2d(const float* in, Nhwc is, const float* w, const float* bias, float* out, Nhwc os,
                      const Window& win, Act act, ThreadPool* pool) {
  const int64_t rows = int64_t{os.n} * os.h;
  auto run = [&](int64_t begin, int64_t end, int) {
    for (int64_t r = begin; r < end; ++r) {
      const int n = static_cast<int>(r / os.h), y = static_cast<int>(r % os.h);
      for (int x = 0; x < os.w; ++x) {
        float* acc = out + ((int64_t{n} * os.h + y) * os.w + x) * os.c;
        for (int c = 0; c < os.c; ++c) acc[c] = bias ? bias[c] : 0.0f;
        for (int ky = 0; ky < win.kh; ++ky) {
          const int iy = y * win.stride_h + ky * win.dilation_h - win.pad_top;
          if (iy < 0 || iy >= is.h) continue;
          for (int kx = 0; kx < win.kw; ++kx) {
            const int ix = x * win.stride_w + kx * win.dilation_w - win.pad_left;
            if (ix < 0 || ix >= is.w) continue;
            accumulate_tap(acc, in + ((int64_t{n} * is.h + iy) * is.w + ix) * is.c,
                           w + (int64_t{ky} * win.kw + kx) * os.c, os.c);
          }
        }
        if (act != Act::kNone)
          for (int c = 0; c < os.c; ++c) acc[c] = activate(acc[c], act);
      }
    }
  };
  if (pool) pool->parallel_for(rows, run); else run(0, rows, 0);
}

}  // namespace onboard::vision::ops
