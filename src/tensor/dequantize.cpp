#include "tensor/dequantize.h"

#include <cassert>
#include <cstring>

#include "tensor/block_layouts.h"
#include "tensor/half.h"

namespace onboard {
namespace {

void dequant_f32(const void* src, float* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void dequant_f16(const void* src, float* dst, int64_t n) {
  const auto* p = static_cast<const uint8_t*>(src);
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    dst[i] = fp16_to_f32(h);
  }
}

void dequant_bf16(const void* src, float* dst, int64_t n) {
  const auto* p = static_cast<const uint8_t*>(src);
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    dst[i] = bf16_to_f32(h);
  }
}

void dequant_q4_0(const BlockQ4_0* b, float* y) {
  const float d = to_f32(b->d);
  for (int j = 0; j < kQK / 2; ++j) {
    y[j] = d * static_cast<float>((b->qs[j] & 0xF) - 8);
    y[j + kQK / 2] = d * static_cast<float>((b->qs[j] >> 4) - 8);
  }
}

void dequant_q4_1(const BlockQ4_1* b, float* y) {
  const float d = to_f32(b->d);
  const float m = to_f32(b->m);
  for (int j = 0; j < kQK / 2; ++j) {
    y[j] = d * static_cast<float>(b->qs[j] & 0xF) + m;
    y[j + kQK / 2] = d * static_cast<float>(b->qs[j] >> 4) + m;
  }
}

// Q5_0/Q5_1: bit j of the 32-bit qh is the 5th bit of element j.
uint32_t load_qh(const uint8_t* qh) {
  uint32_t v;
  std::memcpy(&v, qh, 4);
  return v;
}

void dequant_q5_0(const BlockQ5_0* b, float* y) {
  const float d = to_f32(b->d);
  const uint32_t qh = load_qh(b->qh);
  for (int j = 0; j < kQK / 2; ++j) {
    const int lo = static_cast<int>((b->qs[j] & 0xF) | (((qh >> j) & 1u) << 4));
    const int hi = static_cast<int>((b->qs[j] >> 4) | (((qh >> (j + 16)) & 1u) << 4));
    y[j] = d * static_cast<float>(lo - 16);
    y[j + kQK / 2] = d * static_cast<float>(hi - 16);
  }
}

void dequant_q5_1(const BlockQ5_1* b, float* y) {
  const float d = to_f32(b->d);
  const float m = to_f32(b->m);
  const uint32_t qh = load_qh(b->qh);
  for (int j = 0; j < kQK / 2; ++j) {
    const unsigned lo = (b->qs[j] & 0xFu) | (((qh >> j) & 1u) << 4);
    const unsigned hi = (b->qs[j] >> 4) | (((qh >> (j + 16)) & 1u) << 4);
    y[j] = d * static_cast<float>(lo) + m;
    y[j + kQK / 2] = d * static_cast<float>(hi) + m;
  }
}

void dequant_q8_0(const BlockQ8_0* b, float* y) {
  const float d = to_f32(b->d);
  for (int j = 0; j < kQK; ++j) y[j] = d * static_cast<float>(b->qs[j]);
}

void dequant_iq4_nl(const BlockIQ4NL* b, float* y) {
  const float d = to_f32(b->d);
  for (int j = 0; j < kQK / 2; ++j) {
    y[j] = d * static_cast<float>(kIq4nlValues[b->qs[j] & 0xF]);
    y[j + kQK / 2] = d * static_cast<float>(kIq4nlValues[b->qs[j] >> 4]);
  }
}

void dequant_q2_k(const BlockQ2K* b, float* y) {
  const float d = to_f32(b->d);
  const float dmin = to_f32(b->dmin);
  int is = 0;
  for (int half = 0; half < 2; ++half) {
    const uint8_t* q = b->qs + 32 * half;
    for (int shift = 0; shift < 8; shift += 2) {
      for (int part = 0; part < 2; ++part) {
        const uint8_t sc = b->scales[is++];
        const float dl = d * static_cast<float>(sc & 0xF);
        const float ml = dmin * static_cast<float>(sc >> 4);
        for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<float>((q[16 * part + l] >> shift) & 3) - ml;
      }
    }
  }
}

void dequant_q3_k(const BlockQ3K* b, float* y) {
  const float d = to_f32(b->d);
  int8_t scales[16];
  q3k_scales(b->scales, scales);
  int is = 0;
  uint8_t mask = 1;
  for (int half = 0; half < 2; ++half) {
    const uint8_t* q = b->qs + 32 * half;
    for (int shift = 0; shift < 8; shift += 2) {
      for (int part = 0; part < 2; ++part) {
        const float dl = d * static_cast<float>(scales[is++]);
        for (int l = 0; l < 16; ++l) {
          const int low = (q[16 * part + l] >> shift) & 3;
          const int value = low - ((b->hmask[16 * part + l] & mask) ? 0 : 4);
          *y++ = dl * static_cast<float>(value);
        }
      }
      mask = static_cast<uint8_t>(mask << 1);
    }
  }
}

void dequant_q4_k(const BlockQ4K* b, float* y) {
  const float d = to_f32(b->d);
  const float dmin = to_f32(b->dmin);
  for (int chunk = 0; chunk < 4; ++chunk) {
    const uint8_t* q = b->qs + 32 * chunk;
    uint8_t sc, m;
    k4_scale_min(b->scales, 2 * chunk, &sc, &m);
    const float d1 = d * sc, m1 = dmin * m;
    k4_scale_min(b->scales, 2 * chunk + 1, &sc, &m);
    const float d2 = d * sc, m2 = dmin * m;
    for (int l = 0; l < 32; ++l) y[l] = d1 * static_cast<float>(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) y[32 + l] = d2 * static_cast<float>(q[l] >> 4) - m2;
    y += 64;
  }
}

void dequant_q5_k(const BlockQ5K* b, float* y) {
  const float d = to_f32(b->d);
  const float dmin = to_f32(b->dmin);
  for (int chunk = 0; chunk < 4; ++chunk) {
    const uint8_t* q = b->qs + 32 * chunk;
    const int bit_lo = 2 * chunk, bit_hi = 2 * chunk + 1;
    uint8_t sc, m;
    k4_scale_min(b->scales, 2 * chunk, &sc, &m);
    const float d1 = d * sc, m1 = dmin * m;
    k4_scale_min(b->scales, 2 * chunk + 1, &sc, &m);
    const float d2 = d * sc, m2 = dmin * m;
    for (int l = 0; l < 32; ++l) {
      const int v = (q[l] & 0xF) + (((b->qh[l] >> bit_lo) & 1) << 4);
      y[l] = d1 * static_cast<float>(v) - m1;
    }
    for (int l = 0; l < 32; ++l) {
      const int v = (q[l] >> 4) + (((b->qh[l] >> bit_hi) & 1) << 4);
      y[32 + l] = d2 * static_cast<float>(v) - m2;
    }
    y += 64;
  }
}

void dequant_q6_k(const BlockQ6K* b, float* y) {
  const float d = to_f32(b->d);
  for (int half = 0; half < 2; ++half) {
    const uint8_t* ql = b->ql + 64 * half;
    const uint8_t* qh = b->qh + 32 * half;
    const int8_t* sc = b->scales + 8 * half;
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
    y += 128;
  }
}

void dequant_iq4_xs(const BlockIQ4XS* b, float* y) {
  const float d = to_f32(b->d);
  for (int sub = 0; sub < 8; ++sub) {
    const float dl = d * static_cast<float>(iq4xs_scale(*b, sub));
    const uint8_t* q = b->qs + 16 * sub;
    for (int j = 0; j < 16; ++j) {
      y[j] = dl * static_cast<float>(kIq4nlValues[q[j] & 0xF]);
      y[j + 16] = dl * static_cast<float>(kIq4nlValues[q[j] >> 4]);
    }
    y += 32;
  }
}

// Applies a per-block dequantizer to every block of the row.
template <typename Block, int kElems>
void dequant_blocks(void (*fn)(const Block*, float*), const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const Block*>(src);
  for (int64_t i = 0; i < n / kElems; ++i) fn(blocks + i, dst + i * kElems);
}

}  // namespace

void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case GgmlType::F32: return dequant_f32(src, dst, n);
    case GgmlType::F16: return dequant_f16(src, dst, n);
    case GgmlType::BF16: return dequant_bf16(src, dst, n);
    case GgmlType::Q4_0: return dequant_blocks<BlockQ4_0, kQK>(dequant_q4_0, src, dst, n);
    case GgmlType::Q4_1: return dequant_blocks<BlockQ4_1, kQK>(dequant_q4_1, src, dst, n);
    case GgmlType::Q5_0: return dequant_blocks<BlockQ5_0, kQK>(dequant_q5_0, src, dst, n);
    case GgmlType::Q5_1: return dequant_blocks<BlockQ5_1, kQK>(dequant_q5_1, src, dst, n);
    case GgmlType::Q8_0: return dequant_blocks<BlockQ8_0, kQK>(dequant_q8_0, src, dst, n);
    case GgmlType::IQ4_NL: return dequant_blocks<BlockIQ4NL, kQK>(dequant_iq4_nl, src, dst, n);
    case GgmlType::Q2_K: return dequant_blocks<BlockQ2K, kQKK>(dequant_q2_k, src, dst, n);
    case GgmlType::Q3_K: return dequant_blocks<BlockQ3K, kQKK>(dequant_q3_k, src, dst, n);
    case GgmlType::Q4_K: return dequant_blocks<BlockQ4K, kQKK>(dequant_q4_k, src, dst, n);
    case GgmlType::Q5_K: return dequant_blocks<BlockQ5K, kQKK>(dequant_q5_k, src, dst, n);
    case GgmlType::Q6_K: return dequant_blocks<BlockQ6K, kQKK>(dequant_q6_k, src, dst, n);
    case GgmlType::IQ4_XS: return dequant_blocks<BlockIQ4XS, kQKK>(dequant_iq4_xs, src, dst, n);
    default: assert(false && "dequantize_row: type without compute support"); return;
  }
}

}  // namespace onboard
