// Quantizers for the 256-element super-block formats. Each first finds a float scale (and min)
// per sub-block with the searches of quant_search.h, then quantizes those scales against one
// super-block scale, and finally re-assigns every code against the scales as they are stored
// (fp16 super-scales times integer sub-scales), so the codes fit what dequantization computes.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "tensor/quant_search.h"
#include "tensor/quantize_formats.h"

namespace onboard::quant {
namespace {

// Value of largest magnitude among n, with its sign.
float signed_extreme(const float* v, int n) {
  float best = 0;
  for (int i = 0; i < n; ++i)
    if (std::fabs(v[i]) > std::fabs(best)) best = v[i];
  return best;
}

float max_of(const float* v, int n) {
  float m = 0;
  for (int i = 0; i < n; ++i) m = std::max(m, v[i]);
  return m;
}

// Pack 256 two-bit codes: byte 32·h + l holds elements 128h + 32s + l in bits 2s.
void pack_2bit(const uint8_t* codes, uint8_t* qs) {
  for (int h = 0; h < 2; ++h)
    for (int l = 0; l < 32; ++l) {
      const uint8_t* c = codes + 128 * h + l;
      qs[32 * h + l] = static_cast<uint8_t>(c[0] | (c[32] << 2) | (c[64] << 4) | (c[96] << 6));
    }
}

// Q4_K / Q5_K: 8 six-bit scales and mins into 12 bytes (inverse of k4_scale_min).
void pack_k4_scales(const uint8_t* ls, const uint8_t* lm, uint8_t* out) {
  std::memset(out, 0, kKScaleSize);
  for (int j = 0; j < 8; ++j) {
    if (j < 4) {
      out[j] = ls[j];
      out[j + 4] = lm[j];
    } else {
      out[j + 4] = static_cast<uint8_t>((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
      out[j - 4] |= static_cast<uint8_t>((ls[j] >> 4) << 6);
      out[j] |= static_cast<uint8_t>((lm[j] >> 4) << 6);
    }
  }
}

void reference_affine8(const float* x, const float* w, int nmax, float rmin, float rdelta, int steps, float* scales,
                       float* mins) {
  uint8_t codes[32];  // the searches' codes are reassigned against the stored scales anyway
  for (int j = 0; j < 8; ++j)
    scales[j] = search_affine_scale(32, nmax, x + 32 * j, w + 32 * j, codes, &mins[j], rmin, rdelta, steps, false);
}

void reference_symmetric16(const float* x, int nmax, float* scales) {
  uint8_t codes[16];
  for (int j = 0; j < 16; ++j) scales[j] = search_symmetric_scale(16, nmax, x + 16 * j, codes);
}

// Shared part of Q4_K and Q5_K: codes in [0, nmax] with per-32 scales and mins.
void affine_k_superblock(const float* x, int nmax, float rmin, float rdelta, int steps, const KQuantSearch& search,
                         Fp16* d_out, Fp16* dmin_out, uint8_t* packed_scales, uint8_t* codes) {
  float sum_x2 = 0;
  for (int i = 0; i < kQKK; ++i) sum_x2 += x[i] * x[i];
  const float mean_abs = std::sqrt(sum_x2 / kQKK);
  float scales[8], mins[8], w[kQKK];
  for (int i = 0; i < kQKK; ++i) w[i] = mean_abs + std::fabs(x[i]);
  search.affine8(x, w, nmax, rmin, rdelta, steps, scales, mins);
  const float max_scale = max_of(scales, 8), max_min = max_of(mins, 8);
  const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
  const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
  uint8_t ls[8], lm[8];
  for (int j = 0; j < 8; ++j) {
    ls[j] = static_cast<uint8_t>(std::clamp(nearest_int(inv_scale * scales[j]), 0, 63));
    lm[j] = static_cast<uint8_t>(std::clamp(nearest_int(inv_min * mins[j]), 0, 63));
  }
  pack_k4_scales(ls, lm, packed_scales);
  *d_out = to_fp16_field(max_scale / 63.0f);
  *dmin_out = to_fp16_field(max_min / 63.0f);
  const float d = to_f32(*d_out), dmin = to_f32(*dmin_out);
  for (int j = 0; j < 8; ++j) {
    const float dl = d * ls[j], ml = dmin * lm[j];
    for (int i = 0; i < 32; ++i) {
      const int l = dl != 0 ? nearest_int((x[32 * j + i] + ml) / dl) : 0;
      codes[32 * j + i] = static_cast<uint8_t>(std::clamp(l, 0, nmax));
    }
  }
}

// Low nibbles of chunk c (elements 64c .. 64c+31) and high nibbles (64c+32 .. 64c+63).
void pack_k4_nibbles(const uint8_t* codes, uint8_t* qs) {
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      qs[32 * c + l] = static_cast<uint8_t>((codes[64 * c + l] & 0xF) | ((codes[64 * c + 32 + l] & 0xF) << 4));
}

}  // namespace

const KQuantSearch& reference_kquant_search() {
  static const KQuantSearch s{reference_affine8, reference_symmetric16};
  return s;
}

void quantize_q2_k(const float* x, BlockQ2K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    BlockQ2K& blk = y[b];
    uint8_t codes[kQKK];
    float scales[16], mins[16];
    for (int j = 0; j < 16; ++j) {
      float w[16];
      for (int i = 0; i < 16; ++i) w[i] = std::fabs(x[16 * j + i]);
      scales[j] = search_affine_scale(16, 3, x + 16 * j, w, codes + 16 * j, &mins[j], -0.5f, 0.1f, 15, true);
    }
    const float max_scale = max_of(scales, 16), max_min = max_of(mins, 16);
    const float inv_scale = max_scale > 0 ? 15.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 15.0f / max_min : 0.0f;
    for (int j = 0; j < 16; ++j) {
      const int ls = std::clamp(nearest_int(inv_scale * scales[j]), 0, 15);
      const int lm = std::clamp(nearest_int(inv_min * mins[j]), 0, 15);
      blk.scales[j] = static_cast<uint8_t>(ls | (lm << 4));
    }
    blk.d = to_fp16_field(max_scale / 15.0f);
    blk.dmin = to_fp16_field(max_min / 15.0f);
    const float d = to_f32(blk.d), dmin = to_f32(blk.dmin);
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(blk.scales[j] & 0xF);
      const float ml = dmin * static_cast<float>(blk.scales[j] >> 4);
      for (int i = 0; i < 16; ++i) {
        const int l = dl != 0 ? nearest_int((x[16 * j + i] + ml) / dl) : 0;
        codes[16 * j + i] = static_cast<uint8_t>(std::clamp(l, 0, 3));
      }
    }
    pack_2bit(codes, blk.qs);
  }
}

void quantize_q3_k(const float* x, BlockQ3K* y, int64_t n, const KQuantSearch& search) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    BlockQ3K& blk = y[b];
    uint8_t codes[kQKK];
    float scales[16];
    search.symmetric16(x, 4, scales);
    const float extreme = signed_extreme(scales, 16);
    // Sub-scales are 6-bit signed (−32 … 31); the extreme one maps onto −32.
    const float inv = extreme != 0 ? -32.0f / extreme : 0.0f;
    int8_t ls[16];
    for (int j = 0; j < 16; ++j) ls[j] = static_cast<int8_t>(std::clamp(nearest_int(inv * scales[j]), -32, 31));
    std::memset(blk.scales, 0, sizeof blk.scales);
    for (int j = 0; j < 16; ++j) {
      const int v = ls[j] + 32;
      if (j < 8) {
        blk.scales[j] = static_cast<uint8_t>(v & 0xF);
      } else {
        blk.scales[j - 8] |= static_cast<uint8_t>((v & 0xF) << 4);
      }
      blk.scales[8 + j % 4] |= static_cast<uint8_t>((v >> 4) << (2 * (j / 4)));
    }
    blk.d = to_fp16_field(extreme != 0 ? 1.0f / inv : 0.0f);
    const float d = to_f32(blk.d);
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(ls[j]);
      for (int i = 0; i < 16; ++i) {
        const int l = dl != 0 ? nearest_int(x[16 * j + i] / dl) : 0;
        codes[16 * j + i] = static_cast<uint8_t>(std::clamp(l, -4, 3) + 4);
      }
    }
    // The third bit goes to hmask (bit e/32 of byte e%32), the low two bits to qs.
    std::memset(blk.hmask, 0, sizeof blk.hmask);
    for (int e = 0; e < kQKK; ++e) {
      if (codes[e] > 3) {
        blk.hmask[e % 32] |= static_cast<uint8_t>(1u << (e / 32));
        codes[e] = static_cast<uint8_t>(codes[e] - 4);
      }
    }
    pack_2bit(codes, blk.qs);
  }
}

void quantize_q4_k(const float* x, BlockQ4K* y, int64_t n, const KQuantSearch& search) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    uint8_t codes[kQKK];
    affine_k_superblock(x, 15, -1.0f, 0.1f, 20, search, &y[b].d, &y[b].dmin, y[b].scales, codes);
    pack_k4_nibbles(codes, y[b].qs);
  }
}

void quantize_q5_k(const float* x, BlockQ5K* y, int64_t n, const KQuantSearch& search) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    uint8_t codes[kQKK];
    affine_k_superblock(x, 31, -0.5f, 0.1f, 15, search, &y[b].d, &y[b].dmin, y[b].scales, codes);
    pack_k4_nibbles(codes, y[b].qs);
    // Fifth bit: element 64c + l → bit 2c of qh[l], element 64c + 32 + l → bit 2c + 1.
    std::memset(y[b].qh, 0, sizeof y[b].qh);
    for (int c = 0; c < 4; ++c)
      for (int l = 0; l < 32; ++l) {
        y[b].qh[l] |= static_cast<uint8_t>(((codes[64 * c + l] >> 4) & 1) << (2 * c));
        y[b].qh[l] |= static_cast<uint8_t>(((codes[64 * c + 32 + l] >> 4) & 1) << (2 * c + 1));
      }
  }
}

void quantize_q6_k(const float* x, BlockQ6K* y, int64_t n, const KQuantSearch& search) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    BlockQ6K& blk = y[b];
    uint8_t codes[kQKK];
    float scales[16];
    search.symmetric16(x, 32, scales);
    const float extreme = signed_extreme(scales, 16);
    // Sub-scales are int8; the extreme one maps onto −128.
    const float inv = extreme != 0 ? -128.0f / extreme : 0.0f;
    for (int j = 0; j < 16; ++j) blk.scales[j] = static_cast<int8_t>(std::clamp(nearest_int(inv * scales[j]), -128, 127));
    blk.d = to_fp16_field(extreme != 0 ? 1.0f / inv : 0.0f);
    const float d = to_f32(blk.d);
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(blk.scales[j]);
      for (int i = 0; i < 16; ++i) {
        const int l = dl != 0 ? nearest_int(x[16 * j + i] / dl) : 0;
        codes[16 * j + i] = static_cast<uint8_t>(std::clamp(l, -32, 31) + 32);
      }
    }
    for (int h = 0; h < 2; ++h) {
      const uint8_t* c = codes + 128 * h;
      uint8_t* ql = blk.ql + 64 * h;
      uint8_t* qh = blk.qh + 32 * h;
      for (int l = 0; l < 32; ++l) {
        ql[l] = static_cast<uint8_t>((c[l] & 0xF) | ((c[l + 64] & 0xF) << 4));
        ql[l + 32] = static_cast<uint8_t>((c[l + 32] & 0xF) | ((c[l + 96] & 0xF) << 4));
        qh[l] = static_cast<uint8_t>((c[l] >> 4) | ((c[l + 32] >> 4) << 2) | ((c[l + 64] >> 4) << 4) | ((c[l + 96] >> 4) << 6));
      }
    }
  }
}

void quantize_iq4_xs(const float* x, BlockIQ4XS* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    BlockIQ4XS& blk = y[b];
    uint8_t codes[kQKK];
    float scales[8];
    for (int j = 0; j < 8; ++j) {
      float w[32];
      for (int i = 0; i < 32; ++i) w[i] = x[32 * j + i] * x[32 * j + i];
      scales[j] = search_nonlinear_scale(32, x + 32 * j, w, codes + 32 * j);
    }
    const float extreme = signed_extreme(scales, 8);
    // Sub-scales are 6-bit signed (−32 … 31); the extreme one maps onto −32.
    blk.d = to_fp16_field(extreme != 0 ? extreme / -32.0f : 0.0f);
    const float d = to_f32(blk.d);
    const float inv = d != 0 ? 1.0f / d : 0.0f;
    unsigned scales_h = 0;
    std::memset(blk.scales_l, 0, sizeof blk.scales_l);
    for (int j = 0; j < 8; ++j) {
      const int ls = std::clamp(nearest_int(inv * scales[j]), -32, 31);
      const int v = ls + 32;
      blk.scales_l[j / 2] |= static_cast<uint8_t>((v & 0xF) << (4 * (j % 2)));
      scales_h |= static_cast<unsigned>(v >> 4) << (2 * j);
      const float dl = d * static_cast<float>(ls);
      if (dl != 0) {
        const float idl = 1.0f / dl;
        for (int i = 0; i < 32; ++i) codes[32 * j + i] = static_cast<uint8_t>(nearest_iq4nl_index(x[32 * j + i] * idl));
      } else {
        std::memset(codes + 32 * j, 8, 32);
      }
    }
    blk.scales_h[0] = static_cast<uint8_t>(scales_h & 0xFF);
    blk.scales_h[1] = static_cast<uint8_t>(scales_h >> 8);
    for (int j = 0; j < 8; ++j)
      for (int i = 0; i < 16; ++i)
        blk.qs[16 * j + i] = static_cast<uint8_t>((codes[32 * j + i] & 0xF) | ((codes[32 * j + 16 + i] & 0xF) << 4));
  }
}

}  // namespace onboard::quant
