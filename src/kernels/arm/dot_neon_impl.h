// The ARM NEON dot kernels, written once and instantiated per ISA. Included only by dot_neon.cpp
// and dot_neon_dotprod.cpp; each supplies an Ops struct with the one operation whose
// instructions differ:
//   dot_s8(acc, a, b)  acc[i32] += Σ of a·b over 16 int8 pairs, spread over the four lanes
// Everything here has internal linkage, so the two instantiations never meet in the linker.
//
// The K-quant kernels form the same exact integer per super-block as the generic kernels and
// finish with the same float expression. The 32-block kernels accumulate in float lanes and the
// float-weight kernels in four float vectors (other summation orders, within the tests' bounds).
#pragma once

#include <arm_neon.h>

#include <cstdint>
#include <cstring>
#include <utility>

#include "kernels/dot_table.h"
#include "tensor/block_layouts.h"

namespace onboard::kernels {
namespace {

// Byte loads: weight rows sit at any address of a mapped file.
inline int8x16_t load_s8(const void* p) { return vld1q_s8(static_cast<const int8_t*>(p)); }
inline uint8x16_t load_u8(const void* p) { return vld1q_u8(static_cast<const uint8_t*>(p)); }

// 16 bytes of packed nibbles → the 32 codes in element order (low nibbles, then high nibbles).
struct Nibbles {
  uint8x16_t lo, hi;
};
inline Nibbles unpack_nibbles16(const uint8_t* qs) {
  const uint8x16_t b = load_u8(qs);
  return {vandq_u8(b, vdupq_n_u8(0x0F)), vshrq_n_u8(b, 4)};
}

// ---- float weights · F32 activations ------------------------------------------------------

// load_vec(w, i) gives weights i..i+3 as floats; load_scalar(w, i) weight i (the tail).
template <class LoadVec, class LoadScalar>
inline float float_row(int64_t n, const uint8_t* w, const float* x, LoadVec load_vec, LoadScalar load_scalar) {
  float32x4_t a0 = vdupq_n_f32(0), a1 = vdupq_n_f32(0), a2 = vdupq_n_f32(0), a3 = vdupq_n_f32(0);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = vfmaq_f32(a0, load_vec(w, i), vld1q_f32(x + i));
    a1 = vfmaq_f32(a1, load_vec(w, i + 4), vld1q_f32(x + i + 4));
    a2 = vfmaq_f32(a2, load_vec(w, i + 8), vld1q_f32(x + i + 8));
    a3 = vfmaq_f32(a3, load_vec(w, i + 12), vld1q_f32(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) a0 = vfmaq_f32(a0, load_vec(w, i), vld1q_f32(x + i));
  float sum = vaddvq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)));
  for (; i < n; ++i) sum += load_scalar(w, i) * x[i];
  return sum;
}

float dot_f32_neon(int64_t n, const void* w, const void* act) {
  return float_row(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) { return vreinterpretq_f32_u8(load_u8(p + 4 * i)); },
      [](const uint8_t* p, int64_t i) {
        float v;
        std::memcpy(&v, p + 4 * i, 4);
        return v;
      });
}

float dot_f16_neon(int64_t n, const void* w, const void* act) {
  return float_row(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) { return vcvt_f32_f16(vreinterpret_f16_u8(vld1_u8(p + 2 * i))); },
      [](const uint8_t* p, int64_t i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        return fp16_to_f32(h);
      });
}

float dot_bf16_neon(int64_t n, const void* w, const void* act) {
  return float_row(
      n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
      [](const uint8_t* p, int64_t i) {
        return vreinterpretq_f32_u32(vshll_n_u16(vreinterpret_u16_u8(vld1_u8(p + 2 * i)), 16));
      },
      [](const uint8_t* p, int64_t i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        return bf16_to_f32(h);
      });
}

// ---- 32-element formats · Q8_0 ------------------------------------------------------------

struct Codes32 {
  int8x16_t lo, hi;  // elements 0–15 and 16–31
};

// Σ_blocks d_w·d_a·(codes · a), where codes(block) gives the 32 signed weight codes.
template <class Ops, class Block, class Codes>
inline float q8_0_family(int64_t n, const Block* x, const BlockQ8_0* y, Codes codes) {
  float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
  const int64_t nb = n / kQK;
  auto block = [&](int64_t b) {
    const Codes32 c = codes(x[b]);
    const int32x4_t p = Ops::dot_s8(Ops::dot_s8(vdupq_n_s32(0), c.lo, load_s8(y[b].qs)), c.hi, load_s8(y[b].qs + 16));
    return std::pair{vcvtq_f32_s32(p), to_f32(x[b].d) * to_f32(y[b].d)};
  };
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const auto [p0, d0] = block(b);
    const auto [p1, d1] = block(b + 1);
    acc0 = vfmaq_n_f32(acc0, p0, d0);
    acc1 = vfmaq_n_f32(acc1, p1, d1);
  }
  for (; b < nb; ++b) {
    const auto [p, d] = block(b);
    acc0 = vfmaq_n_f32(acc0, p, d);
  }
  return vaddvq_f32(vaddq_f32(acc0, acc1));
}

template <class Ops>
float dot_q8_0_neon(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockQ8_0*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockQ8_0& blk) { return Codes32{load_s8(blk.qs), load_s8(blk.qs + 16)}; });
}

template <class Ops>
float dot_q4_0_neon(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockQ4_0*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockQ4_0& blk) {
                            const Nibbles q = unpack_nibbles16(blk.qs);
                            const int8x16_t eight = vdupq_n_s8(8);
                            return Codes32{vsubq_s8(vreinterpretq_s8_u8(q.lo), eight),
                                           vsubq_s8(vreinterpretq_s8_u8(q.hi), eight)};
                          });
}

template <class Ops>
float dot_iq4_nl_neon(int64_t n, const void* w, const void* act) {
  return q8_0_family<Ops>(n, static_cast<const BlockIQ4NL*>(w), static_cast<const BlockQ8_0*>(act),
                          [](const BlockIQ4NL& blk) {
                            const int8x16_t table = vld1q_s8(kIq4nlValues);
                            const Nibbles q = unpack_nibbles16(blk.qs);
                            return Codes32{vqtbl1q_s8(table, q.lo), vqtbl1q_s8(table, q.hi)};
                          });
}

// ---- super-block formats · Q8_K -----------------------------------------------------------

// Q4_K and Q5_K: chunk c holds sub-blocks 2c (low nibbles) and 2c+1 (high nibbles), 32 bytes
// as two vectors; fifth_bits(blk, c, lo, hi) adds the 5th bit for Q5_K.
template <class Ops, class Block, class FifthBits>
inline float k4_family(int64_t n, const Block* x, const BlockQ8K* y, FifthBits fifth_bits) {
  const uint8x16_t low4 = vdupq_n_u8(0x0F);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const Block& blk = x[b];
    uint8_t sc[8], m[8];
    int msum = 0;
    for (int k = 0; k < 8; ++k) {
      k4_scale_min(blk.scales, k, &sc[k], &m[k]);
      msum += m[k] * (y[b].bsums[2 * k] + y[b].bsums[2 * k + 1]);
    }
    int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0);
    for (int c = 0; c < 4; ++c) {
      const uint8x16_t b0 = load_u8(blk.qs + 32 * c), b1 = load_u8(blk.qs + 32 * c + 16);
      uint8x16_t lo[2] = {vandq_u8(b0, low4), vandq_u8(b1, low4)};
      uint8x16_t hi[2] = {vshrq_n_u8(b0, 4), vshrq_n_u8(b1, 4)};
      fifth_bits(blk, c, lo, hi);
      const int8_t* a = y[b].qs + 64 * c;
      int32x4_t p_lo = Ops::dot_s8(vdupq_n_s32(0), vreinterpretq_s8_u8(lo[0]), load_s8(a));
      p_lo = Ops::dot_s8(p_lo, vreinterpretq_s8_u8(lo[1]), load_s8(a + 16));
      int32x4_t p_hi = Ops::dot_s8(vdupq_n_s32(0), vreinterpretq_s8_u8(hi[0]), load_s8(a + 32));
      p_hi = Ops::dot_s8(p_hi, vreinterpretq_s8_u8(hi[1]), load_s8(a + 48));
      acc0 = vmlaq_n_s32(acc0, p_lo, sc[2 * c]);
      acc1 = vmlaq_n_s32(acc1, p_hi, sc[2 * c + 1]);
    }
    const int isum = vaddvq_s32(vaddq_s32(acc0, acc1));
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum) - to_f32(blk.dmin) * static_cast<float>(msum));
  }
  return sum;
}

template <class Ops>
float dot_q4_k_neon(int64_t n, const void* w, const void* act) {
  return k4_family<Ops>(n, static_cast<const BlockQ4K*>(w), static_cast<const BlockQ8K*>(act),
                        [](const BlockQ4K&, int, uint8x16_t*, uint8x16_t*) {});
}

template <class Ops>
float dot_q5_k_neon(int64_t n, const void* w, const void* act) {
  return k4_family<Ops>(n, static_cast<const BlockQ5K*>(w), static_cast<const BlockQ8K*>(act),
                        [](const BlockQ5K& blk, int c, uint8x16_t* lo, uint8x16_t* hi) {
                          // qh[l] bit 2c is element l's 5th bit in sub-block 2c, bit 2c+1 in 2c+1.
                          const uint8x16_t sixteen = vdupq_n_u8(16);
                          const uint8x16_t bit_lo = vdupq_n_u8(static_cast<uint8_t>(1u << (2 * c)));
                          const uint8x16_t bit_hi = vdupq_n_u8(static_cast<uint8_t>(1u << (2 * c + 1)));
                          for (int half = 0; half < 2; ++half) {
                            const uint8x16_t qh = load_u8(blk.qh + 16 * half);
                            lo[half] = vorrq_u8(lo[half], vandq_u8(vtstq_u8(qh, bit_lo), sixteen));
                            hi[half] = vorrq_u8(hi[half], vandq_u8(vtstq_u8(qh, bit_hi), sixteen));
                          }
                        });
}

template <class Ops>
float dot_q6_k_neon(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const uint8x16_t low4 = vdupq_n_u8(0x0F), low2 = vdupq_n_u8(3);
  const int8x16_t offset = vdupq_n_s8(32);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ6K& blk = x[b];
    int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0);
    for (int h = 0; h < 2; ++h) {
      const int8_t* a = y[b].qs + 128 * h;
      const int8_t* s = blk.scales + 8 * h;
      // Each 16-element group l (0 or 1) of the four 32-element runs q1..q4 (§7: ql low/high
      // nibbles of bytes 0–31 / 32–63 of this half, qh bit pairs 0, 2, 4, 6).
      for (int l = 0; l < 2; ++l) {
        const uint8x16_t ql0 = load_u8(blk.ql + 64 * h + 16 * l), ql1 = load_u8(blk.ql + 64 * h + 32 + 16 * l);
        const uint8x16_t qh = load_u8(blk.qh + 32 * h + 16 * l);
        const uint8x16_t q[4] = {
            vorrq_u8(vandq_u8(ql0, low4), vshlq_n_u8(vandq_u8(qh, low2), 4)),
            vorrq_u8(vandq_u8(ql1, low4), vshlq_n_u8(vandq_u8(vshrq_n_u8(qh, 2), low2), 4)),
            vorrq_u8(vshrq_n_u8(ql0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(qh, 4), low2), 4)),
            vorrq_u8(vshrq_n_u8(ql1, 4), vshlq_n_u8(vshrq_n_u8(qh, 6), 4)),
        };
        for (int r = 0; r < 4; ++r) {
          const int8x16_t codes = vsubq_s8(vreinterpretq_s8_u8(q[r]), offset);
          const int32x4_t p = Ops::dot_s8(vdupq_n_s32(0), codes, load_s8(a + 32 * r + 16 * l));
          if (r % 2 == 0) acc0 = vmlaq_n_s32(acc0, p, s[2 * r + l]);
          else acc1 = vmlaq_n_s32(acc1, p, s[2 * r + l]);
        }
      }
    }
    const int isum = vaddvq_s32(vaddq_s32(acc0, acc1));
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

template <class Ops>
float dot_iq4_xs_neon(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4XS*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  const int8x16_t table = vld1q_s8(kIq4nlValues);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockIQ4XS& blk = x[b];
    int32x4_t acc = vdupq_n_s32(0);
    for (int sub = 0; sub < 8; ++sub) {
      const Nibbles q = unpack_nibbles16(blk.qs + 16 * sub);
      const int8_t* a = y[b].qs + 32 * sub;
      int32x4_t p = Ops::dot_s8(vdupq_n_s32(0), vqtbl1q_s8(table, q.lo), load_s8(a));
      p = Ops::dot_s8(p, vqtbl1q_s8(table, q.hi), load_s8(a + 16));
      acc = vmlaq_n_s32(acc, p, iq4xs_scale(blk, sub));
    }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(vaddvq_s32(acc)));
  }
  return sum;
}

// The kernel table of one ISA: the types it has its own code for.
template <class Ops>
struct NeonKernels {
  static constexpr DotKernel kTable[] = {
      f32_act_kernel(GgmlType::F32, dot_f32_neon),
      f32_act_kernel(GgmlType::F16, dot_f16_neon),
      f32_act_kernel(GgmlType::BF16, dot_bf16_neon),
      q8_0_act_kernel(GgmlType::Q4_0, dot_q4_0_neon<Ops>),
      q8_0_act_kernel(GgmlType::Q8_0, dot_q8_0_neon<Ops>),
      q8_0_act_kernel(GgmlType::IQ4_NL, dot_iq4_nl_neon<Ops>),
      q8_k_act_kernel(GgmlType::Q4_K, dot_q4_k_neon<Ops>),
      q8_k_act_kernel(GgmlType::Q5_K, dot_q5_k_neon<Ops>),
      q8_k_act_kernel(GgmlType::Q6_K, dot_q6_k_neon<Ops>),
      q8_k_act_kernel(GgmlType::IQ4_XS, dot_iq4_xs_neon<Ops>),
  };

  static const DotKernel* find(GgmlType type) { return find_dot_kernel(kTable, type); }
};

}  // namespace
}  // namespace onboard::kernels
