// The x86 dot kernels, written once and instantiated per ISA. Included only by dot_avx2.cpp and
// dot_avx512.cpp; each supplies an Ops struct with the few operations whose instructions differ:
//   VF, kWidth, zero(), add(), fmadd(), load_f32(), load_f16(), load_bf16(), hsum()  (float rows)
//   dot_u8i8(acc, u8, s8)  acc[i32] += Σ of 4 adjacent u8·s8 products
//   madd_i16(acc, p, s)    acc[i32] += p[2i]·s[2i] + p[2i+1]·s[2i+1]  (i16 inputs)
// Everything here has internal linkage, so the two instantiations never meet in the linker.
//
// The K-quant kernels form the same exact integers per super-block as the generic kernels but
// keep them in vector lanes and accumulate in float lanes (no horizontal sum per block), so
// they differ from the generic kernels by summation order only; so do the 32-block kernels.
#pragma once

#include <immintrin.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "kernels/dot_table.h"
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

// ---- several activation rows per pass -----------------------------------------------------
//
// A kernel body K::run<NT>(n, w, act, act_stride, out) takes one weight row against NT prepared
// activations (act + t·act_stride) and decodes each weight block once for all of them, so a
// prompt's tokens share the unpacking work. Each token's arithmetic is the same whatever NT is,
// so dot_tokens gives bit-for-bit the results of dot.

template <class K>
float dot_one(int64_t n, const void* w, const void* act) {
  float out;
  K::template run<1>(n, static_cast<const uint8_t*>(w), static_cast<const uint8_t*>(act), 0, &out);
  return out;
}

template <class K>
void dot_several(int64_t n, const void* w, const void* act, size_t act_stride, int n_act, float* out) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* a = static_cast<const uint8_t*>(act);
  static_assert(kMaxDotTokens == 4);
  switch (n_act) {
    case 1: K::template run<1>(n, wb, a, act_stride, out); break;
    case 2: K::template run<2>(n, wb, a, act_stride, out); break;
    case 3: K::template run<3>(n, wb, a, act_stride, out); break;
    default: K::template run<4>(n, wb, a, act_stride, out); break;
  }
}

// The NT activation rows as arrays of blocks.
template <class Block, int NT>
inline std::array<const Block*, NT> activation_blocks(const uint8_t* act, size_t act_stride) {
  std::array<const Block*, NT> y;
  for (int t = 0; t < NT; ++t) y[t] = reinterpret_cast<const Block*>(act + t * act_stride);
  return y;
}

// Two float accumulators per token (alternate blocks, or the two terms of a K-quant block) keep
// the FMA dependency chains short; the row's result is their sum.
template <int NT>
struct TokenSums {
  __m256 acc[2][NT];
  TokenSums() {
    for (int t = 0; t < NT; ++t) acc[0][t] = acc[1][t] = _mm256_setzero_ps();
  }
  void store(float* out) const {
    for (int t = 0; t < NT; ++t) out[t] = hsum_f32x8(_mm256_add_ps(acc[0][t], acc[1][t]));
  }
};

// ---- 32-element formats · Q8_0 ------------------------------------------------------------

// Σ_blocks d_w·d_a·(codes · a), where Codes::get(block) gives the 32 signed weight codes.
template <class Ops, class Block, class Codes>
struct Q8_0Family {
  template <int NT>
  static void run(int64_t n, const uint8_t* w, const uint8_t* act, size_t act_stride, float* out) {
    const auto* x = reinterpret_cast<const Block*>(w);
    const auto y = activation_blocks<BlockQ8_0, NT>(act, act_stride);
    TokenSums<NT> sums;
    for (int64_t b = 0; b < n / kQK; ++b) {
      const __m256i codes = Codes::get(x[b]);
      const __m256i magnitude = _mm256_sign_epi8(codes, codes);  // |codes|, shared by the tokens
      const float dw = half_field(x[b].d);
      for (int t = 0; t < NT; ++t) {
        // Signed·signed as |codes|·(a with the codes' signs); a never holds −128.
        const __m256i p = Ops::dot_u8i8(_mm256_setzero_si256(), magnitude, _mm256_sign_epi8(load256(y[t][b].qs), codes));
        __m256& acc = sums.acc[b & 1][t];
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dw * half_field(y[t][b].d)), acc);
      }
    }
    sums.store(out);
  }
};

struct Q8_0Codes {
  static __m256i get(const BlockQ8_0& blk) { return load256(blk.qs); }
};
struct Q4_0Codes {
  static __m256i get(const BlockQ4_0& blk) { return _mm256_sub_epi8(unpack_nibbles16(blk.qs), _mm256_set1_epi8(8)); }
};
struct Iq4NlCodes {
  static __m256i get(const BlockIQ4NL& blk) {
    const __m256i table = _mm256_broadcastsi128_si256(load128(kIq4nlValues));
    return _mm256_shuffle_epi8(table, unpack_nibbles16(blk.qs));
  }
};

// ---- super-block formats · Q8_K -----------------------------------------------------------

// Q4_K / Q5_K: the 8 six-bit scales then the 8 six-bit mins, from the 12 packed bytes
// (the layout k4_scale_min reads one at a time, here four per 32-bit word).
inline void k4_scales_mins(const uint8_t* packed, uint8_t (&out)[16]) {
  uint32_t w0, w1, w2;
  std::memcpy(&w0, packed, 4);
  std::memcpy(&w1, packed + 4, 4);
  std::memcpy(&w2, packed + 8, 4);
  const uint32_t words[4] = {
      w0 & 0x3F3F3F3Fu,                                           // scales 0-3
      (w2 & 0x0F0F0F0Fu) | (((w0 >> 6) & 0x03030303u) << 4),      // scales 4-7
      w1 & 0x3F3F3F3Fu,                                           // mins 0-3
      ((w2 >> 4) & 0x0F0F0F0Fu) | (((w1 >> 6) & 0x03030303u) << 4),  // mins 4-7
  };
  std::memcpy(out, words, 16);
}

// Lane k: bsums[2k]·w[2k] + bsums[2k+1]·w[2k+1] (w: 16 i16 weights of the 16-element groups).
inline __m256i bsums_dot(const BlockQ8K& y, __m256i weights16) {
  return _mm256_madd_epi16(load256(y.bsums), weights16);
}

// Q4_K and Q5_K: chunk c holds sub-blocks 2c (low nibbles) and 2c+1 (high nibbles);
// Fifth::add(blk, c, &lo, &hi) adds the 5th bit for Q5_K.
template <class Ops, class Block, class Fifth>
struct K4Family {
  template <int NT>
  static void run(int64_t n, const uint8_t* w, const uint8_t* act, size_t act_stride, float* out) {
    const auto* x = reinterpret_cast<const Block*>(w);
    const auto y = activation_blocks<BlockQ8K, NT>(act, act_stride);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    TokenSums<NT> sums;
    for (int64_t b = 0; b < n / kQKK; ++b) {
      const Block& blk = x[b];
      uint8_t sm[16];
      k4_scales_mins(blk.scales, sm);
      // Each min twice, one per 16-sum of its sub-block.
      const __m128i mins8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(sm + 8));
      const __m256i mins = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mins8, mins8));
      __m256i isum[NT];
      for (int t = 0; t < NT; ++t) isum[t] = _mm256_setzero_si256();
      for (int c = 0; c < 4; ++c) {
        const __m256i bytes = load256(blk.qs + 32 * c);
        __m256i lo = _mm256_and_si256(bytes, low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low4);
        Fifth::add(blk, c, &lo, &hi);
        const __m256i s_lo = _mm256_set1_epi16(sm[2 * c]), s_hi = _mm256_set1_epi16(sm[2 * c + 1]);
        for (int t = 0; t < NT; ++t) {
          const int8_t* a = y[t][b].qs + 64 * c;
          isum[t] = Ops::madd_i16(isum[t], _mm256_maddubs_epi16(lo, load256(a)), s_lo);
          isum[t] = Ops::madd_i16(isum[t], _mm256_maddubs_epi16(hi, load256(a + 32)), s_hi);
        }
      }
      const float d = half_field(blk.d), dmin = half_field(blk.dmin);
      for (int t = 0; t < NT; ++t) {
        __m256 &scaled = sums.acc[0][t], &offsets = sums.acc[1][t];
        scaled = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_set1_ps(y[t][b].d * d), scaled);
        offsets = _mm256_fmadd_ps(_mm256_cvtepi32_ps(bsums_dot(y[t][b], mins)), _mm256_set1_ps(-y[t][b].d * dmin), offsets);
      }
    }
    sums.store(out);
  }
};

struct NoFifthBit {
  static void add(const BlockQ4K&, int, __m256i*, __m256i*) {}
};
struct Q5KFifthBit {
  static void add(const BlockQ5K& blk, int c, __m256i* lo, __m256i* hi) {
    const __m256i qh = load256(blk.qh);
    const __m256i one = _mm256_set1_epi8(1);
    const __m256i bit_lo = _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c)), one);
    const __m256i bit_hi = _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c + 1)), one);
    *lo = _mm256_or_si256(*lo, _mm256_slli_epi16(bit_lo, 4));
    *hi = _mm256_or_si256(*hi, _mm256_slli_epi16(bit_hi, 4));
  }
};

template <class Ops>
struct Q6K {
  template <int NT>
  static void run(int64_t n, const uint8_t* w, const uint8_t* act, size_t act_stride, float* out) {
    const auto* x = reinterpret_cast<const BlockQ6K*>(w);
    const auto y = activation_blocks<BlockQ8K, NT>(act, act_stride);
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(3);
    TokenSums<NT> sums;
    for (int64_t b = 0; b < n / kQKK; ++b) {
      const BlockQ6K& blk = x[b];
      // The codes are used unsigned (0..63), so 32·Σ scale·bsum is subtracted at the end.
      const __m256i scales16 = _mm256_cvtepi8_epi16(load128(blk.scales));
      __m256i isum[NT];
      for (int t = 0; t < NT; ++t) isum[t] = _mm256_setzero_si256();
      for (int h = 0; h < 2; ++h) {
        const __m256i ql0 = load256(blk.ql + 64 * h), ql1 = load256(blk.ql + 64 * h + 32);
        const __m256i qh = load256(blk.qh + 32 * h);
        const __m256i q[4] = {
            _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_slli_epi16(_mm256_and_si256(qh, low2), 4)),
            _mm256_or_si256(_mm256_and_si256(ql1, low4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), low2), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), low2), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), low2), 4)),
        };
        const int8_t* s = blk.scales + 8 * h;
        for (int j = 0; j < 4; ++j) {
          const __m256i sc = scale_pair(s[2 * j], s[2 * j + 1]);
          for (int t = 0; t < NT; ++t)
            isum[t] = Ops::madd_i16(isum[t], _mm256_maddubs_epi16(q[j], load256(y[t][b].qs + 128 * h + 32 * j)), sc);
        }
      }
      const float d = half_field(blk.d);
      for (int t = 0; t < NT; ++t) {
        const __m256i bias = _mm256_slli_epi32(bsums_dot(y[t][b], scales16), 5);
        __m256& acc = sums.acc[b & 1][t];
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(isum[t], bias)), _mm256_set1_ps(y[t][b].d * d), acc);
      }
    }
    sums.store(out);
  }
};

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
  using Q4_0 = Q8_0Family<Ops, BlockQ4_0, Q4_0Codes>;
  using Q8_0 = Q8_0Family<Ops, BlockQ8_0, Q8_0Codes>;
  using Iq4Nl = Q8_0Family<Ops, BlockIQ4NL, Iq4NlCodes>;
  using Q4_K = K4Family<Ops, BlockQ4K, NoFifthBit>;
  using Q5_K = K4Family<Ops, BlockQ5K, Q5KFifthBit>;
  using Q6_K = Q6K<Ops>;
  static constexpr DotKernel kTable[] = {
      f32_act_kernel(GgmlType::F32, dot_f32_x86<Ops>),
      f32_act_kernel(GgmlType::F16, dot_f16_x86<Ops>),
      f32_act_kernel(GgmlType::BF16, dot_bf16_x86<Ops>),
      q8_0_act_kernel(GgmlType::Q4_0, dot_one<Q4_0>, dot_several<Q4_0>),
      q8_0_act_kernel(GgmlType::Q8_0, dot_one<Q8_0>, dot_several<Q8_0>),
      q8_0_act_kernel(GgmlType::IQ4_NL, dot_one<Iq4Nl>, dot_several<Iq4Nl>),
      q8_k_act_kernel(GgmlType::Q4_K, dot_one<Q4_K>, dot_several<Q4_K>),
      q8_k_act_kernel(GgmlType::Q5_K, dot_one<Q5_K>, dot_several<Q5_K>),
      q8_k_act_kernel(GgmlType::Q6_K, dot_one<Q6_K>, dot_several<Q6_K>),
      q8_k_act_kernel(GgmlType::IQ4_XS, dot_iq4_xs_x86<Ops>),
  };

  static const DotKernel* find(GgmlType type) { return find_dot_kernel(kTable, type); }
};

}  // namespace
}  // namespace onboard::kernels
