// AVX-512 instantiation of the x86 dot kernels: 512-bit float rows, and VNNI (vpdpbusd,
// vpdpwssd on 256-bit vectors) for the integer products.
#include "kernels/x86/dot_x86.h"

#if defined(__x86_64__)
// GCC 12's avx512fintrin.h seeds some intrinsics (_mm512_cvtepu16_epi32, _mm512_slli_epi32,
// _mm512_reduce_add_ps) with a self-initialised "undefined" vector and then warns about it
// (GCC bug 105593, a false positive).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "kernels/x86/dot_x86_impl.h"

namespace onboard::kernels {
namespace {

struct Avx512Ops {
  using VF = __m512;
  static constexpr int kWidth = 16;
  static VF zero() { return _mm512_setzero_ps(); }
  static VF add(VF a, VF b) { return _mm512_add_ps(a, b); }
  static VF fmadd(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
  static VF load_f32(const float* p) { return _mm512_loadu_ps(p); }
  static VF load_f16(const uint8_t* p) { return _mm512_cvtph_ps(load256(p)); }
  static VF load_bf16(const uint8_t* p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(load256(p)), 16));
  }
  static float hsum(VF v) { return _mm512_reduce_add_ps(v); }

  static __m256i dot_u8i8(__m256i acc, __m256i u, __m256i s) { return _mm256_dpbusd_epi32(acc, u, s); }
  static __m256i madd_i16(__m256i acc, __m256i p, __m256i s) { return _mm256_dpwssd_epi32(acc, p, s); }
};

}  // namespace

const DotKernel* avx512_dot_kernel(GgmlType weight_type) { return X86Kernels<Avx512Ops>::find(weight_type); }

}  // namespace onboard::kernels
#else
namespace onboard::kernels {
const DotKernel* avx512_dot_kernel(GgmlType) { return nullptr; }
}  // namespace onboard::kernels
#endif
