#include "vision/ops/pad.h"

#include <algorithm>
#include <cstring>

namespace onboard::vision::ops {

namespace {
Nhwc padded(Nhwc s, const Pad4& p) {
  return {s.n + p.before[0] + p.after[0], s.h + p.before[1] + p.after[1], s.w + p.before[2] + p.after[2],
          s.c + p.before[3] + p.after[3]};
}
}  // namespace

void pad_reference(const float* in, Nhwc is, const Pad4& p, float* out) {
  const Nhwc os = padded(is, p);
  for (int n = 0; n < os.n; ++n)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x)
        for (int c = 0; c < os.c; ++c) {
          const int in_n = n - p.before[0], iy = y - p.before[1], ix = x - p.before[2], ic = c - p.before[3];
          const bool inside = in_n >= 0 && in_n < is.n && iy >= 0 && iy < is.h && ix >= 0 && ix < is.w && ic >= 0 && ic < is.c;
          out[((int64_t{n} * os.h + y) * os.w + x) * os.c + c] =
              inside ? in[((int64_t{in_n} * is.h + iy) * is.w + ix) * is.c + ic] : 0.0f;
        }
}

void pad(const float* in, Nhwc is, const Pad4& p, float* out) {
  const Nhwc os = padded(is, p);
  std::fill(out, out + os.size(), 0.0f);
  for (int n = 0; n < is.n; ++n)
    for (int y = 0; y < is.h; ++y)
      for (int x = 0; x < is.w; ++x) {
        const float* src = in + ((int64_t{n} * is.h + y) * is.w + x) * is.c;
        float* dst = out + ((int64_t{n + p.before[0]} * os.h + y + p.before[1]) * os.w + x + p.before[2]) * os.c + p.before[3];
        std::memcpy(dst, src, sizeof(float) * static_cast<size_t>(is.c));
      }
}

}  // namespace onboard::vision::ops
