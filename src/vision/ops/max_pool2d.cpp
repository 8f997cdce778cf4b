#include "vision/ops/max_pool2d.h"

#include <algorithm>
#include <limits>

namespace onboard::vision::ops {

void max_pool2d_reference(const float* in, Nhwc is, float* out, Nhwc os, const Window& win, Act act) {
  for (int n = 0; n < os.n; ++n)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x)
        for (int c = 0; c < os.c; ++c) {
          float m = -std::numeric_limits<float>::infinity();
          for (int ky = 0; ky < win.kh; ++ky)
            for (int kx = 0; kx < win.kw; ++kx) {
              const int iy = y * win.stride_h + ky - win.pad_top, ix = x * win.stride_w + kx - win.pad_left;
              if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
              m = std::max(m, in[((int64_t{n} * is.h + iy) * is.w + ix) * is.c + c]);
            }
          out[((int64_t{n} * os.h + y) * os.w + x) * os.c + c] = activate(m, act);
        }
}

void max_pool2d(const float* in, Nhwc is, float* out, Nhwc os, const Window& win, Act act, ThreadPool* pool) {
  const int64_t rows = int64_t{os.n} * os.h;
  auto run = [&](int64_t begin, int64_t end, int) {
    for (int64_t r = begin; r < end; ++r) {
      const int n = static_cast<int>(r / os.h), y = static_cast<int>(r % os.h);
      for (int x = 0; x < os.w; ++x) {
        float* dst = out + ((int64_t{n} * os.h + y) * os.w + x) * os.c;
        std::fill(dst, dst + os.c, -std::numeric_limits<float>::infinity());
        for (int ky = 0; ky < win.kh; ++ky) {
          const int iy = y * win.stride_h + ky - win.pad_top;
          if (iy < 0 || iy >= is.h) continue;
          for (int kx = 0; kx < win.kw; ++kx) {
            const int ix = x * win.stride_w + kx - win.pad_left;
            if (ix < 0 || ix >= is.w) continue;
            const float* src = in + ((int64_t{n} * is.h + iy) * is.w + ix) * is.c;
            for (int c = 0; c < os.c; ++c) dst[c] = std::max(dst[c], src[c]);
          }
        }
        if (act != Act::kNone)
          for (int c = 0; c < os.c; ++c) dst[c] = activate(dst[c], act);
      }
    }
  };
  if (pool) pool->parallel_for(rows, run); else run(0, rows, 0);
}

}  // namespace onboard::vision::ops
