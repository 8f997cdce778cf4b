// Byte layouts of the GGML quantised blocks (one struct per type) and the small unpacking
// helpers shared by dequantization, quantization and the dot kernels.
// Reference: shared/reference/deepseek-models.md §7; sizes match tensor/ggml_type.cpp.
//
// Every weight block is byte-aligned (fp16 fields are two bytes read with memcpy), so a block
// may sit at any address of a mapped file. BlockQ8K is our own activation format: allocate it
// with at least alignof(BlockQ8K).
#pragma once

#include <cstdint>
#include <cstring>

#include "tensor/half.h"

namespace onboard {

// A little-endian binary16 field inside a block.
struct Fp16 {
  uint8_t bytes[2];
};

ONBOARD_ALWAYS_INLINE float to_f32(const Fp16& h) {
  uint16_t u;
  std::memcpy(&u, h.bytes, sizeof u);
  return fp16_to_f32(u);
}

ONBOARD_ALWAYS_INLINE Fp16 to_fp16_field(float f) {
  const uint16_t u = f32_to_fp16(f);
  Fp16 h;
  std::memcpy(h.bytes, &u, sizeof u);
  return h;
}

constexpr int kQK = 32;        // elements per block of the legacy formats and IQ4_NL
constexpr int kQKK = 256;      // elements per K-quant super-block
constexpr int kKScaleSize = 12;

struct BlockQ4_0 { Fp16 d; uint8_t qs[kQK / 2]; };
struct BlockQ4_1 { Fp16 d; Fp16 m; uint8_t qs[kQK / 2]; };
struct BlockQ5_0 { Fp16 d; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ5_1 { Fp16 d; Fp16 m; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ8_0 { Fp16 d; int8_t qs[kQK]; };
struct BlockIQ4NL { Fp16 d; uint8_t qs[kQK / 2]; };

struct BlockQ2K { uint8_t scales[kQKK / 16]; uint8_t qs[kQKK / 4]; Fp16 d; Fp16 dmin; };
struct BlockQ3K { uint8_t hmask[kQKK / 8]; uint8_t qs[kQKK / 4]; uint8_t scales[kKScaleSize]; Fp16 d; };
struct BlockQ4K { Fp16 d; Fp16 dmin; uint8_t scales[kKScaleSize]; uint8_t qs[kQKK / 2]; };
struct BlockQ5K { Fp16 d; Fp16 dmin; uint8_t scales[kKScaleSize]; uint8_t qh[kQKK / 8]; uint8_t qs[kQKK / 2]; };
struct BlockQ6K { uint8_t ql[kQKK / 2]; uint8_t qh[kQKK / 4]; int8_t scales[kQKK / 16]; Fp16 d; };
struct BlockIQ4XS { Fp16 d; uint8_t scales_h[2]; uint8_t scales_l[kQKK / 64]; uint8_t qs[kQKK / 2]; };

// Activations for the K-quant dot products: d is a plain float, bsums[g] = Σ qs[16g .. 16g+15].
struct BlockQ8K { float d; int8_t qs[kQKK]; int16_t bsums[kQKK / 16]; };

static_assert(sizeof(BlockQ4_0) == 18 && alignof(BlockQ4_0) == 1);
static_assert(sizeof(BlockQ4_1) == 20 && alignof(BlockQ4_1) == 1);
static_assert(sizeof(BlockQ5_0) == 22 && alignof(BlockQ5_0) == 1);
static_assert(sizeof(BlockQ5_1) == 24 && alignof(BlockQ5_1) == 1);
static_assert(sizeof(BlockQ8_0) == 34 && alignof(BlockQ8_0) == 1);
static_assert(sizeof(BlockIQ4NL) == 18 && alignof(BlockIQ4NL) == 1);
static_assert(sizeof(BlockQ2K) == 84 && alignof(BlockQ2K) == 1);
static_assert(sizeof(BlockQ3K) == 110 && alignof(BlockQ3K) == 1);
static_assert(sizeof(BlockQ4K) == 144 && alignof(BlockQ4K) == 1);
static_assert(sizeof(BlockQ5K) == 176 && alignof(BlockQ5K) == 1);
static_assert(sizeof(BlockQ6K) == 210 && alignof(BlockQ6K) == 1);
static_assert(sizeof(BlockIQ4XS) == 136 && alignof(BlockIQ4XS) == 1);
static_assert(sizeof(BlockQ8K) == 292);

// The 16 non-uniform levels of IQ4_NL and IQ4_XS.
inline constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

// Q4_K / Q5_K: 6-bit scale and min of sub-block k (0..7) from the 12 packed bytes.
ONBOARD_ALWAYS_INLINE void k4_scale_min(const uint8_t* scales, int k, uint8_t* sc, uint8_t* m) {
  if (k < 4) {
    *sc = scales[k] & 63;
    *m = scales[k + 4] & 63;
  } else {
    *sc = static_cast<uint8_t>((scales[k + 4] & 0xF) | ((scales[k - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((scales[k + 4] >> 4) | ((scales[k] >> 6) << 4));
  }
}

// Q3_K: the 16 six-bit scales, already re-centred to -32..31.
ONBOARD_ALWAYS_INLINE void q3k_scales(const uint8_t* packed, int8_t* out) {
  uint32_t a0, a1, t;
  std::memcpy(&a0, packed, 4);
  std::memcpy(&a1, packed + 4, 4);
  std::memcpy(&t, packed + 8, 4);
  const uint32_t s[4] = {
      (a0 & 0x0F0F0F0Fu) | (((t >> 0) & 0x03030303u) << 4),
      (a1 & 0x0F0F0F0Fu) | (((t >> 2) & 0x03030303u) << 4),
      ((a0 >> 4) & 0x0F0F0F0Fu) | (((t >> 4) & 0x03030303u) << 4),
      ((a1 >> 4) & 0x0F0F0F0Fu) | (((t >> 6) & 0x03030303u) << 4),
  };
  uint8_t bytes[16];
  std::memcpy(bytes, s, sizeof bytes);
  for (int i = 0; i < 16; ++i) out[i] = static_cast<int8_t>(bytes[i] - 32);
}

// IQ4_XS: 6-bit scale of sub-block b (0..7), re-centred to -32..31.
ONBOARD_ALWAYS_INLINE int iq4xs_scale(const BlockIQ4XS& blk, int b) {
  const unsigned scales_h = static_cast<unsigned>(blk.scales_h[0]) | (static_cast<unsigned>(blk.scales_h[1]) << 8);
  const int low = (blk.scales_l[b / 2] >> (4 * (b % 2))) & 0xF;
  const int high = static_cast<int>((scales_h >> (2 * b)) & 3u);
  return (low | (high << 4)) - 32;
}

}  // namespace onboard
