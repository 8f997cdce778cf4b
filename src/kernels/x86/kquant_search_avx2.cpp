// AVX2 K-quant scale searches (tensor/quantize_formats.h KQuantSearch): the eight (or sixteen)
// sub-blocks of a super-block run in the lanes of one register, each lane doing exactly the
// scalar search's float operations in the scalar order (quant_search.cpp), so results are
// bit-identical to the reference. No fused multiply-add: the reference rounds every product.
#pragma GCC optimize("fp-contract=off")

#include <immintrin.h>

#include <cstdint>

#include "kernels/x86/kquant_search_x86.h"

namespace onboard::kernels::x86 {
namespace {

// quant::nearest_int, per lane (a NaN lane gives 0, as the scalar bit trick does).
inline __m256i nearest_int(__m256 x) {
  const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  x = _mm256_max_ps(x, _mm256_set1_ps(-4194303.0f));
  x = _mm256_min_ps(x, _mm256_set1_ps(4194303.0f));
  const __m256i bits = _mm256_castps_si256(_mm256_add_ps(x, _mm256_set1_ps(12582912.0f)));
  const __m256i l =
      _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)), _mm256_set1_epi32(0x00400000));
  return _mm256_andnot_si256(_mm256_castps_si256(nan), l);
}

inline __m256i clamp_epi32(__m256i v, int lo, int hi) {
  return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
}

// Lane j holds sub-block j: t[i] = {x[stride·0 + i], ..., x[stride·7 + i]}.
void transpose8(const float* x, int n, int stride, __m256* t) {
  alignas(32) float buf[8];
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 8; ++j) buf[j] = x[stride * j + i];
    t[i] = _mm256_load_ps(buf);
  }
}

// search_affine_scale(32, nmax, x, w, ..., use_abs = false) for 8 sub-blocks of 32.
void affine8(const float* xs, const float* ws, int nmax, float rmin, float rdelta, int steps, float* scales,
             float* mins) {
  constexpr int n = 32;
  __m256 x[n], w[n];
  transpose8(xs, n, n, x);
  transpose8(ws, n, n, w);
  const __m256 zero = _mm256_setzero_ps();
  __m256 lo = x[0], hi = x[0], sum_w = zero, sum_x = zero, sum_xx = zero;
  for (int i = 0; i < n; ++i) {
    lo = _mm256_min_ps(x[i], lo);  // std::min(lo, x): x < lo ? x : lo
    hi = _mm256_max_ps(x[i], hi);  // std::max(hi, x): hi < x ? x : hi
    sum_w = _mm256_add_ps(sum_w, w[i]);
    const __m256 wx = _mm256_mul_ps(w[i], x[i]);
    sum_x = _mm256_add_ps(sum_x, wx);
    sum_xx = _mm256_add_ps(sum_xx, _mm256_mul_ps(wx, x[i]));
  }
  lo = _mm256_min_ps(zero, lo);  // std::min(lo, 0.0f)
  const __m256 range = _mm256_sub_ps(hi, lo);
  const __m256 vnmax = _mm256_set1_ps(static_cast<float>(nmax));

  // The plain min/max grid.
  __m256 inv = _mm256_div_ps(vnmax, range);
  __m256 scale = _mm256_div_ps(_mm256_set1_ps(1.0f), inv), min = lo;
  __m256 best_err = zero;
  for (int i = 0; i < n; ++i) {
    const __m256i l = clamp_epi32(nearest_int(_mm256_mul_ps(inv, _mm256_sub_ps(x[i], min))), 0, nmax);
    const __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(scale, _mm256_cvtepi32_ps(l)), min), x[i]);
    best_err = _mm256_add_ps(best_err, _mm256_mul_ps(w[i], _mm256_mul_ps(diff, diff)));
  }

  const __m256 two = _mm256_set1_ps(2.0f);
  for (int k = 0; k <= steps; ++k) {
    const float num = rmin + rdelta * static_cast<float>(k) + static_cast<float>(nmax);
    inv = _mm256_div_ps(_mm256_set1_ps(num), range);
    __m256 sum_l = zero, sum_ll = zero, sum_xl = zero;
    for (int i = 0; i < n; ++i) {
      const __m256i l = clamp_epi32(nearest_int(_mm256_mul_ps(inv, _mm256_sub_ps(x[i], lo))), 0, nmax);
      const __m256 lf = _mm256_cvtepi32_ps(l);
      const __m256 wl = _mm256_mul_ps(w[i], lf);
      sum_l = _mm256_add_ps(sum_l, wl);
      sum_ll = _mm256_add_ps(sum_ll, _mm256_mul_ps(w[i], _mm256_cvtepi32_ps(_mm256_mullo_epi32(l, l))));
      sum_xl = _mm256_add_ps(sum_xl, _mm256_mul_ps(wl, x[i]));
    }
    const __m256 det = _mm256_sub_ps(_mm256_mul_ps(sum_w, sum_ll), _mm256_mul_ps(sum_l, sum_l));
    __m256 s = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_w, sum_xl), _mm256_mul_ps(sum_x, sum_l)), det);
    __m256 m = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_ll, sum_x), _mm256_mul_ps(sum_l, sum_xl)), det);
    const __m256 positive_m = _mm256_cmp_ps(m, zero, _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, zero, positive_m);
    s = _mm256_blendv_ps(s, _mm256_div_ps(sum_xl, sum_ll), positive_m);
    // s·s·Σll + 2·s·m·Σl + m·m·Σw − 2·s·Σxl − 2·m·Σx + Σxx, left to right.
    __m256 err = _mm256_mul_ps(_mm256_mul_ps(s, s), sum_ll);
    err = _mm256_add_ps(err, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(two, s), m), sum_l));
    err = _mm256_add_ps(err, _mm256_mul_ps(_mm256_mul_ps(m, m), sum_w));
    err = _mm256_sub_ps(err, _mm256_mul_ps(_mm256_mul_ps(two, s), sum_xl));
    err = _mm256_sub_ps(err, _mm256_mul_ps(_mm256_mul_ps(two, m), sum_x));
    err = _mm256_add_ps(err, sum_xx);
    // The scalar loop skips det <= 0 (continue); a NaN det gives a NaN error that never wins.
    const __m256 better = _mm256_and_ps(_mm256_cmp_ps(det, zero, _CMP_GT_OQ), _mm256_cmp_ps(err, best_err, _CMP_LT_OQ));
    best_err = _mm256_blendv_ps(best_err, err, better);
    scale = _mm256_blendv_ps(scale, s, better);
    min = _mm256_blendv_ps(min, m, better);
  }
  // A constant non-positive (or all-zero) group: scale 0, offset −lo.
  const __m256 flat = _mm256_cmp_ps(hi, lo, _CMP_LE_OQ);
  scale = _mm256_blendv_ps(scale, zero, flat);
  min = _mm256_blendv_ps(min, lo, flat);
  _mm256_storeu_ps(scales, scale);
  _mm256_storeu_ps(mins, _mm256_xor_ps(min, _mm256_set1_ps(-0.0f)));  // −min, as the scalar negation
}

// search_symmetric_scale(16, nmax, x) for 8 sub-blocks of 16 starting at x.
void symmetric8(const float* xs, int nmax, float* scales) {
  constexpr int n = 16;
  __m256 x[n];
  transpose8(xs, n, n, x);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 signed_max = zero, abs_max = zero;
  for (int i = 0; i < n; ++i) {
    const __m256 a = _mm256_andnot_ps(sign, x[i]);
    const __m256 bigger = _mm256_cmp_ps(a, abs_max, _CMP_GT_OQ);
    abs_max = _mm256_blendv_ps(abs_max, a, bigger);
    signed_max = _mm256_blendv_ps(signed_max, x[i], bigger);
  }
  const __m256 tiny = _mm256_cmp_ps(abs_max, _mm256_set1_ps(1e-15f), _CMP_LT_OQ);
  __m256 best_scale = zero, best_score = _mm256_set1_ps(-1.0f);
  for (int k = 0; k <= 18; ++k) {
    const int step = k == 0 ? 0 : (k <= 9 ? -k : k - 9);
    const float num = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step));
    const __m256 inv = _mm256_div_ps(_mm256_set1_ps(num), signed_max);
    __m256 sum_xl = zero, sum_ll = zero;
    for (int i = 0; i < n; ++i) {
      const __m256i l = clamp_epi32(nearest_int(_mm256_mul_ps(inv, x[i])), -nmax, nmax - 1);
      const __m256 w = _mm256_mul_ps(x[i], x[i]);
      sum_xl = _mm256_add_ps(sum_xl, _mm256_mul_ps(_mm256_mul_ps(w, x[i]), _mm256_cvtepi32_ps(l)));
      sum_ll = _mm256_add_ps(sum_ll, _mm256_mul_ps(w, _mm256_cvtepi32_ps(_mm256_mullo_epi32(l, l))));
    }
    const __m256 score = _mm256_div_ps(_mm256_mul_ps(sum_xl, sum_xl), sum_ll);
    // The scalar loop skips sum_ll <= 0 and keeps strictly better scores.
    const __m256 better =
        _mm256_and_ps(_mm256_cmp_ps(sum_ll, zero, _CMP_GT_OQ), _mm256_cmp_ps(score, best_score, _CMP_GT_OQ));
    best_score = _mm256_blendv_ps(best_score, score, better);
    best_scale = _mm256_blendv_ps(best_scale, _mm256_div_ps(sum_xl, sum_ll), better);
  }
  _mm256_storeu_ps(scales, _mm256_blendv_ps(best_scale, zero, tiny));
}

void symmetric16(const float* x, int nmax, float* scales) {
  symmetric8(x, nmax, scales);
  symmetric8(x + 128, nmax, scales + 8);
}

}  // namespace

const quant::KQuantSearch& kquant_search_avx2() {
  static const quant::KQuantSearch s{affine8, symmetric16};
  return s;
}

}  // namespace onboard::kernels::x86
