// AVX2 + FMA + F16C instantiation of the x86 dot kernels (compiled with -mavx2 -mfma -mf16c).
#include "kernels/x86/dot_x86.h"

#if defined(__x86_64__)
#include "kernels/x86/dot_x86_impl.h"

namespace onboard::kernels {
namespace {

struct Avx2Ops {
  using VF = __m256;
  static constexpr int kWidth = 8;
  static VF zero() { return _mm256_setzero_ps(); }
  static VF add(VF a, VF b) { return _mm256_add_ps(a, b); }
  static VF fmadd(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
  static VF load_f32(const float* p) { return _mm256_loadu_ps(p); }
  static VF load_f16(const uint8_t* p) { return _mm256_cvtph_ps(load128(p)); }
  static VF load_bf16(const uint8_t* p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(load128(p)), 16));
  }
  static float hsum(VF v) { return hsum_f32x8(v); }

  // u8·s8 pairs saturate at int16 only beyond 2·255·127; our codes stay ≤ 2·128·127.
  static __m256i dot_u8i8(__m256i acc, __m256i u, __m256i s) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
  }
  static __m256i madd_i16(__m256i acc, __m256i p, __m256i s) { return _mm256_add_epi32(acc, _mm256_madd_epi16(p, s)); }
};

}  // namespace

const DotKernel* avx2_dot_kernel(GgmlType weight_type) { return X86Kernels<Avx2Ops>::find(weight_type); }

}  // namespace onboard::kernels
#else
namespace onboard::kernels {
const DotKernel* avx2_dot_kernel(GgmlType) { return nullptr; }
}  // namespace onboard::kernels
#endif
