#include "vision/ops/conv2d.h"

#include <algorithm>

namespace onboard::vision::ops {

void conv2d_reference(const float* in, Nhwc is, const float* w, const float* bias, float* out, Nhwc os,
                      const Window& win, Act act) {
  for (int n = 0; n < os.n; ++n)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x)
        for (int o = 0; o < os.c; ++o) {
          double acc = bias ? bias[o] : 0.0;
          for (int ky = 0; ky < win.kh; ++ky) {
            const int iy = y * win.stride_h + ky * win.dilation_h - win.pad_top;
            if (iy < 0 || iy >= is.h) continue;
            for (int kx = 0; kx < win.kw; ++kx) {
              const int ix = x * win.stride_w + kx * win.dilation_w - win.pad_left;
              if (ix < 0 || ix >= is.w) continue;
              const float* src = in + ((int64_t{n} * is.h + iy) * is.w + ix) * is.c;
              const float* wk = w + ((int64_t{o} * win.kh + ky) * win.kw + kx) * is.c;
              for (int i = 0; i < is.c; ++i) acc += double{src[i]} * wk[i];
            }
          }
          out[((int64_t{n} * os.h + y) * os.w + x) * os.c + o] = activate(static_cast<float>(acc), act);
        }
}

std::vector<float> pack_conv2d_weights(const float* w, int out_c, int kh, int kw, int in_c) {
  const int tiles = (out_c + kConvTile - 1) / kConvTile;
  std::vector<float> packed(static_cast<size_t>(tiles) * kh * kw * in_c * kConvTile, 0.0f);
  for (int o = 0; o < out_c; ++o)
    for (int ky = 0; ky < kh; ++ky)
      for (int kx = 0; kx < kw; ++kx)
        for (int i = 0; i < in_c; ++i) {
          const size_t dst = ((((static_cast<size_t>(o / kConvTile) * kh + ky) * kw + kx) * in_c + i) * kConvTile) +
                             o % kConvTile;
          packed[dst] = w[((static_cast<size_t>(o) * kh + ky) * kw + kx) * in_c + i];
        }
  return packed;
}

namespace {

constexpr int kPixels = 4;  // output pixels sharing each weight load

// One row segment of up to kPixels outputs x one 16-channel tile. Fixed-size inner loops let the
// compiler keep acc in vector registers; clones per ISA are picked at load time by the loader.
[[gnu::target_clones("arch=skylake-avx512", "arch=haswell", "default")]]
void conv_tile(const float* const* src_rows, int n_pix, int taps, int in_c, const float* wt, float acc[kPixels][kConvTile]) {
  for (int t = 0; t < taps; ++t) {
    const float* s0 = src_rows[t * kPixels + 0];
    const float* s1 = src_rows[t * kPixels + 1];
    const float* s2 = src_rows[t * kPixels + 2];
    const float* s3 = src_rows[t * kPixels + 3];
    const float* wtap = wt + static_cast<size_t>(t) * in_c * kConvTile;
    if (n_pix == kPixels) {
      for (int i = 0; i < in_c; ++i) {
        const float* wv = wtap + static_cast<size_t>(i) * kConvTile;
        const float x0 = s0[i], x1 = s1[i], x2 = s2[i], x3 = s3[i];
        for (int k = 0; k < kConvTile; ++k) {
          acc[0][k] += x0 * wv[k];
          acc[1][k] += x1 * wv[k];
          acc[2][k] += x2 * wv[k];
          acc[3][k] += x3 * wv[k];
        }
      }
    } else {
      for (int p = 0; p < n_pix; ++p) {
        const float* s = src_rows[t * kPixels + p];
        for (int i = 0; i < in_c; ++i) {
          const float* wv = wtap + static_cast<size_t>(i) * kConvTile;
          const float x = s[i];
          for (int k = 0; k < kConvTile; ++k) acc[p][k] += x * wv[k];
        }
      }
    }
  }
}

}  // namespace

void conv2d(const float* in, Nhwc is, const float* packed, const float* bias, float* out, Nhwc os, const Window& win,
            Act act, const float* zeros, ThreadPool* pool) {
  const int tiles = (os.c + kConvTile - 1) / kConvTile;
  const int taps = win.kh * win.kw;
  const int64_t rows = int64_t{os.n} * os.h;
  auto run = [&](int64_t begin, int64_t end, int) {
    // Up to 7x7 kernels: per tap and pixel, the input row (or zeros for padding).
    const float* src[kMaxConvTaps * kPixels];
    for (int64_t r = begin; r < end; ++r) {
      const int n = static_cast<int>(r / os.h), y = static_cast<int>(r % os.h);
      for (int x0 = 0; x0 < os.w; x0 += kPixels) {
        const int n_pix = std::min(kPixels, os.w - x0);
        for (int ky = 0; ky < win.kh; ++ky) {
          const int iy = y * win.stride_h + ky * win.dilation_h - win.pad_top;
          for (int kx = 0; kx < win.kw; ++kx)
            for (int p = 0; p < kPixels; ++p) {
              const int ix = (x0 + std::min(p, n_pix - 1)) * win.stride_w + kx * win.dilation_w - win.pad_left;
              const bool inside = iy >= 0 && iy < is.h && ix >= 0 && ix < is.w;
              src[(ky * win.kw + kx) * kPixels + p] =
                  inside ? in + ((int64_t{n} * is.h + iy) * is.w + ix) * is.c : zeros;
            }
        }
        float* dst = out + ((int64_t{n} * os.h + y) * os.w + x0) * os.c;
        for (int tile = 0; tile < tiles; ++tile) {
          float acc[kPixels][kConvTile];
          const int o0 = tile * kConvTile, valid = std::min(kConvTile, os.c - o0);
          for (int p = 0; p < kPixels; ++p)
            for (int k = 0; k < kConvTile; ++k) acc[p][k] = (bias && k < valid) ? bias[o0 + k] : 0.0f;
          conv_tile(src, n_pix, taps, is.c, packed + static_cast<size_t>(tile) * taps * is.c * kConvTile, acc);
          for (int p = 0; p < n_pix; ++p)
            for (int k = 0; k < valid; ++k) dst[int64_t{p} * os.c + o0 + k] = activate(acc[p][k], act);
        }
      }
    }
  };
  if (pool) pool->parallel_for(rows, run); else run(0, rows, 0);
}

}  // namespace onboard::vision::ops
