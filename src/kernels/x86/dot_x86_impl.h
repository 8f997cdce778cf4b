// The x86 dot kernels, written once and instantiated per ISA. Included only by dot_avx2.cpp and
// dot_avx512.cpp; each supplies an Ops struct with the few operations whose instructions differ:
//   VF, kWidth, zero(), add(), fmadd(), load_f32(), load_f16(), load_bf16(), hsum()  (float rows)
//   dot_u8i8(acc, u8, s8)  acc[i32] += Σ of 4 adjacent u8·s8 products
//   madd_i16(acc, p, s)    acc[i32] += p[2i]·s[2i] + p[2i+1]·s[2i+1]  (i16 inputs)
// Everything here has internal linkage, so the two instantiations never meet in the linker.
//
// The K-quant kernels form the same exact integer per super-block as the generic kernels and
// finish with the same float expression (up to the compiler's FMA contraction, which -mfma
// enables here). The 32-block kernels accumulate in float lanes (another summation order).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/act_quant.h"
#include "kernels/dot.h"
#include "tensor/block_layouts.h"

namespace onboard::kernels {
namespace {

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline __m128i load128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

// fp16 field → float with the F16C instruction (both ISAs have it).
inline float half_field(const Fp16& h) {
  uint16_t u;
  std::memcpy(&u, h.bytes, 2);
  return _cvtsh_ss(u);
}

inline int hsum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

inline float hsum_f32x8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// 16 bytes of packed nibbles → 32 bytes in element order (low nibbles, then high nibbles).
inline __m256i unpack_nibbles16(const uint8_t* qs) {
  const __m128i b = load128(qs);
  return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(b, 4), b), _mm256_set1_epi8(0x0F));
}

// Signed·signed via |a| and sign-transferred b (b must not contain −128: activations never do).
template <class Ops>
inline __m256i dot_i8i8(__m256i acc, __m256i a, __m256i b) {
  return Ops::dot_u8i8(acc, _mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
}

// Two i16 scales: the first for the low 128 bits (elements 0–15), the second for the high.
inline __m256i scale_pair(int first, int second) {
  return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(second)), _mm_set1_epi16(static_cast<int16_t>(first)));
}

// ---- float weights · F32 activations ------------------------------------------------------

template <class Ops, class LoadVec, class LoadScalar>
inline float float_row(int64_t n, const uint8_t* w, const float* x, LoadVec load_vec, LoadScalar load_scalar) {
  constexpr int W = Ops::kWidth;
  auto a0 = Ops::zero(), a1 = Ops::zero(), a2 = Ops::zero(), a3 = Ops::zero();
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = Ops::fmadd(load_vec(w, i), Ops::load_f32(x + i), a0);
    a1 = Ops::fmadd(load_vec(w, i + W), Ops::load_f32(x + i + W), a1);
    a2 = Ops::fmadd(load_vec(w, i + 2 * W), Ops::load_f32(x + i + 2 * W), a2);
    a3 = Ops::fmadd(load_vec(w, i + 3 * W), Ops::load_f32(x + i + 3 * W), a3);
  }
  for (; i + W <= n; i += W) a0 = Ops::fmadd(load_vec(w, i), Ops::load_f32(x + i), a0);
  float sum = Ops::hsum(Ops::add(Ops::add(a0, a1), Ops::add(a2, a3)));
  for (; i < n; ++i) sum += load_scalar(w, i) * x[i];
  return sum;
}

template <class Ops>
float dot_f32_x86(int64_t n, const void* w, const void* act) {
  return float_row<Ops>(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) { return Ops::load_f32(reinterpret_cast<const float*>(p) + i); },
      [](const uint8_t* p, int64_t i) {
        float v;
        std::memcpy(&v, p + 4 * i, 4);
        return v;
      });
}

template <class Ops>
float dot_f16_x86(int64_t n, const void* w, const void* act) {
  return float_row<Ops>(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) { return Ops::load_f16(p + 2 * i); },
      [](const uint8_t* p, int64_t i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        return _cvtsh_ss(h);
      });
}

template <class Ops>
float dot_bf16_x86(int64_t n, const void* w, const void* act) {
  return float_row<Ops>(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) { return Ops::load_bf16(p + 2 * i); },
      [](const uint8_t* p, int64_t i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        float v;
        std::memcpy(&v, &bits, 4);
        return v;
      });
}

// ---- 32-element formats · Q8_0 ------------------------------------------------------------

// Σ_blocks d_w·d_a·(codes · a), where codes(block) gives the 32 signed weight codes.
template <class Ops, class Block, class Codes>
inline float q8_0_family(int64_t n, const Block* x, const BlockQ8_0* y, Codes codes) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  const int64_t nb = n / kQK;
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m256i p0 = dot_i8i8<Ops>(_mm256_setzero_si256(), codes(x[b]), load256(y[b].qs));
    const __m256i p1 = dot_i8i8<Ops>(_mm256_setzero_si256(), codes(x[b + 1]), load256(y[b + 1].qs));
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_set1_ps(half_field(x[b].d) * half_field(y[b].d)), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1),
                           _mm256_set1_ps(half_field(x[b + 1].d) * half_field(y[b + 1].d)), acc1);
  }
  for (; b < nb; ++b) {
    const __m256i p = dot_i8i8<Ops>(_mm256_setzero_si256(), codes(x[b]), load256(y[b].qs));
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(half_field(x[b].d) * half_field(y[b].d)), acc0);
  }
  return hsum_f32x8(_mm256_add_ps(acc0, acc1));
}

template <class Ops>
float dot_q8_0_x86(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockQ8_0*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockQ8_0& blk) { return load256(blk.qs); });
}

template <class Ops>
float dot_q4_0_x86(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockQ4_0*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockQ4_0& blk) {
                            return _mm256_sub_epi8(unpack_nibbles16(blk.qs), _mm256_set1_epi8(8));
                          });
}

template <class Ops>
float dot_iq4_nl_x86(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockIQ4NL*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockIQ4NL& blk) {
                            const __m256i table = _mm256_broadcastsi128_si256(load128(kIq4nlValues));
                            return _mm256_shuffle_epi8(table, unpack_nibbles16(blk.qs));
                          });
}

// ---- super-block formats · Q8_K -----------------------------------------------------------

// Q4_K and Q5_K: chunk c holds sub-blocks 2c (low nibbles) and 2c+1 (high nibbles);
// fifth_bits(c, &lo, &hi) adds the 5th bit for Q5_K.
template <class Ops, class Block, class FifthBits>
inline float k4_family(int64_t n, const Block* x, const BlockQ8K* y, FifthBits fifth_bits) {
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const Block& blk = x[b];
    uint8_t sc[8], m[8];
    int msum = 0;
    for (int k = 0; k < 8; ++k) {
      k4_scale_min(blk.scales, k, &sc[k], &m[k]);
      msum += m[k] * (y[b].bsums[2 * k] + y[b].bsums[2 * k + 1]);
    }
    // Two accumulators: with VNNI the accumulation itself is the dependency chain.
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    for (int c = 0; c < 4; ++c) {
      const __m256i bytes = load256(blk.qs + 32 * c);
      __m256i lo = _mm256_and_si256(bytes, low4);
      __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low4);
      fifth_bits(blk, c, &lo, &hi);
      const int8_t* a = y[b].qs + 64 * c;
      acc0 = Ops::madd_i16(acc0, _mm256_maddubs_epi16(lo, load256(a)), _mm256_set1_epi16(sc[2 * c]));
      acc1 = Ops::madd_i16(acc1, _mm256_maddubs_epi16(hi, load256(a + 32)), _mm256_set1_epi16(sc[2 * c + 1]));
    }
    const int isum = hsum_i32(_mm256_add_epi32(acc0, acc1));
    sum += y[b].d * (half_field(blk.d) * static_cast<float>(isum) - half_field(blk.dmin) * static_cast<float>(msum));
  }
  return sum;
}

template <class Ops>
float dot_q4_k_x86(int64_t n, const void* w, const void* act) {
  return k4_family<Ops>(n, static_cast<const BlockQ4K*>(w), static_cast<const BlockQ8K*>(act),
                        [](const BlockQ4K&, int, __m256i*, __m256i*) {});
}

template <class Ops>
float dot_q5_k_x86(int64_t n, const void* w, const void* act) {
  return k4_family<Ops>(n, static_cast<const BlockQ5K*>(w), static_cast<const BlockQ8K*>(act),
                        [](const BlockQ5K& blk, int c, __m256i* lo, __m256i* hi) {
                          const __m256i qh = load256(blk.qh);
                          const __m256i one = _mm256_set1_epi8(1);
                          const __m256i bit_lo = _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c)), one);
                          const __m256i bit_hi =
                              _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c + 1)), one);
                          *lo = _mm256_or_si256(*lo, _mm256_slli_epi16(bit_lo, 4));
                          *hi = _mm256_or_si256(*hi, _mm256_slli_epi16(bit_hi, 4));
                        });
}

template <class Ops>
float dot_q6_k_x86(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(3);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ6K& blk = x[b];
    int bias = 0;  // Σ scale·bsum: the codes are used unsigned (0..63), so 32·bias is subtracted
    for (int g = 0; g < 16; ++g) bias += blk.scales[g] * y[b].bsums[g];
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    for (int h = 0; h < 2; ++h) {
      const __m256i ql0 = load256(blk.ql + 64 * h), ql1 = load256(blk.ql + 64 * h + 32);
      const __m256i qh = load256(blk.qh + 32 * h);
      const __m256i q1 = _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_slli_epi16(_mm256_and_si256(qh, low2), 4));
      const __m256i q2 = _mm256_or_si256(_mm256_and_si256(ql1, low4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), low2), 4));
      const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), low2), 4));
      const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), low2), 4));
      const int8_t* a = y[b].qs + 128 * h;
      const int8_t* s = blk.scales + 8 * h;
      acc0 = Ops::madd_i16(acc0, _mm256_maddubs_epi16(q1, load256(a)), scale_pair(s[0], s[1]));
      acc1 = Ops::madd_i16(acc1, _mm256_maddubs_epi16(q2, load256(a + 32)), scale_pair(s[2], s[3]));
      acc0 = Ops::madd_i16(acc0, _mm256_maddubs_epi16(q3, load256(a + 64)), scale_pair(s[4], s[5]));
      acc1 = Ops::madd_i16(acc1, _mm256_maddubs_epi16(q4, load256(a + 96)), scale_pair(s[6], s[7]));
    }
    const int isum = hsum_i32(_mm256_add_epi32(acc0, acc1)) - 32 * bias;
    sum += y[b].d * (half_field(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

template <class Ops>
float dot_iq4_xs_x86(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4XS*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const __m256i table = _mm256_broadcastsi128_si256(load128(kIq4nlValues));
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockIQ4XS& blk = x[b];
    int isum = 0;
    for (int sub = 0; sub < 8; ++sub) {
      const __m256i codes = _mm256_shuffle_epi8(table, unpack_nibbles16(blk.qs + 16 * sub));
      const __m256i p = dot_i8i8<Ops>(_mm256_setzero_si256(), codes, load256(y[b].qs + 32 * sub));
      isum += iq4xs_scale(blk, sub) * hsum_i32(p);
    }
    sum += y[b].d * (half_field(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

// The kernel table of one ISA: the types it has its own code for.
template <class Ops>
struct X86Kernels {
  static constexpr DotKernel kTable[] = {
      {GgmlType::F32, GgmlType::F32, act_bytes_f32, quantize_act_f32, dot_f32_x86<Ops>},
      {GgmlType::F16, GgmlType::F32, act_bytes_f32, quantize_act_f32, dot_f16_x86<Ops>},
      {GgmlType::BF16, GgmlType::F32, act_bytes_f32, quantize_act_f32, dot_bf16_x86<Ops>},
      {GgmlType::Q4_0, GgmlType::Q8_0, act_bytes_q8_0, quantize_act_q8_0, dot_q4_0_x86<Ops>},
      {GgmlType::Q8_0, GgmlType::Q8_0, act_bytes_q8_0, quantize_act_q8_0, dot_q8_0_x86<Ops>},
      {GgmlType::IQ4_NL, GgmlType::Q8_0, act_bytes_q8_0, quantize_act_q8_0, dot_iq4_nl_x86<Ops>},
      {GgmlType::Q4_K, GgmlType::Q8_K, act_bytes_q8_k, quantize_act_q8_k, dot_q4_k_x86<Ops>},
      {GgmlType::Q5_K, GgmlType::Q8_K, act_bytes_q8_k, quantize_act_q8_k, dot_q5_k_x86<Ops>},
      {GgmlType::Q6_K, GgmlType::Q8_K, act_bytes_q8_k, quantize_act_q8_k, dot_q6_k_x86<Ops>},
      {GgmlType::IQ4_XS, GgmlType::Q8_K, act_bytes_q8_k, quantize_act_q8_k, dot_iq4_xs_x86<Ops>},
  };

  static const DotKernel* find(GgmlType type) {
    for (const DotKernel& k : kTable)
      if (k.weight_type == type) return &k;
    return nullptr;
  }
};

}  // namespace
}  // namespace onboard::kernels
