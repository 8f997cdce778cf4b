#include "kernels/generic/dot_generic.h"

#include <cstring>

#include "kernels/act_quant.h"
#include "kernels/dot_table.h"
#include "tensor/block_layouts.h"
#include "tensor/half.h"

namespace onboard::kernels {
namespace {

// ---- float weights · F32 activations -------------------------------------------------------

// Four running sums (a fixed, ISA-independent order) keep the dependency chain short.
template <typename Load>
float dot_float_row(int64_t n, const uint8_t* w, const float* x, Load load) {
  float s[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) s[k] += load(w, i + k) * x[i + k];
  for (; i < n; ++i) s[0] += load(w, i) * x[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

float dot_f32(int64_t n, const void* w, const void* act) {
  return dot_float_row(n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
                       [](const uint8_t* p, int64_t i) {
                         float v;
                         std::memcpy(&v, p + 4 * i, 4);
                         return v;
                       });
}

float dot_f16(int64_t n, const void* w, const void* act) {
  return dot_float_row(n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
                       [](const uint8_t* p, int64_t i) {
                         uint16_t h;
                         std::memcpy(&h, p + 2 * i, 2);
                         return fp16_to_f32(h);
                       });
}

float dot_bf16(int64_t n, const void* w, const void* act) {
  return dot_float_row(n, static_cast<const uint8_t*>(w), static_cast<const float*>(act),
                       [](const uint8_t* p, int64_t i) {
                         uint16_t h;
                         std::memcpy(&h, p + 2 * i, 2);
                         return bf16_to_f32(h);
                       });
}

// ---- 32-element formats · Q8_0 -------------------------------------------------------------
// Each decodes its block into signed codes (and an optional per-code offset), then the
// integer sum is scaled once per block, as §7.1 describes.

int dot_codes(const int8_t* codes, const int8_t* a, int n) {
  int s = 0;
  for (int j = 0; j < n; ++j) s += codes[j] * a[j];
  return s;
}

int sum_codes(const int8_t* a, int n) {
  int s = 0;
  for (int j = 0; j < n; ++j) s += a[j];
  return s;
}

void nibbles(const uint8_t* qs, int8_t* codes, int bias) {
  for (int j = 0; j < kQK / 2; ++j) {
    codes[j] = static_cast<int8_t>((qs[j] & 0xF) - bias);
    codes[j + kQK / 2] = static_cast<int8_t>((qs[j] >> 4) - bias);
  }
}

void fifth_bits(const uint8_t* qh_bytes, int8_t* codes) {
  uint32_t qh;
  std::memcpy(&qh, qh_bytes, 4);
  for (int j = 0; j < kQK; ++j) codes[j] = static_cast<int8_t>(codes[j] + (((qh >> j) & 1u) << 4));
}

float dot_q4_0(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ4_0*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int8_t codes[kQK];
    nibbles(x[b].qs, codes, 8);
    sum += static_cast<float>(dot_codes(codes, y[b].qs, kQK)) * (to_f32(x[b].d) * to_f32(y[b].d));
  }
  return sum;
}

float dot_q4_1(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ4_1*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int8_t codes[kQK];
    nibbles(x[b].qs, codes, 0);
    const float da = to_f32(y[b].d);
    sum += static_cast<float>(dot_codes(codes, y[b].qs, kQK)) * (to_f32(x[b].d) * da) +
           to_f32(x[b].m) * da * static_cast<float>(sum_codes(y[b].qs, kQK));
  }
  return sum;
}

float dot_q5_0(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ5_0*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int8_t codes[kQK];
    nibbles(x[b].qs, codes, 0);
    fifth_bits(x[b].qh, codes);
    for (int8_t& c : codes) c = static_cast<int8_t>(c - 16);
    sum += static_cast<float>(dot_codes(codes, y[b].qs, kQK)) * (to_f32(x[b].d) * to_f32(y[b].d));
  }
  return sum;
}

float dot_q5_1(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ5_1*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int8_t codes[kQK];
    nibbles(x[b].qs, codes, 0);
    fifth_bits(x[b].qh, codes);
    const float da = to_f32(y[b].d);
    sum += static_cast<float>(dot_codes(codes, y[b].qs, kQK)) * (to_f32(x[b].d) * da) +
           to_f32(x[b].m) * da * static_cast<float>(sum_codes(y[b].qs, kQK));
  }
  return sum;
}

float dot_q8_0(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ8_0*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b)
    sum += static_cast<float>(dot_codes(x[b].qs, y[b].qs, kQK)) * (to_f32(x[b].d) * to_f32(y[b].d));
  return sum;
}

float dot_iq4_nl(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4NL*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int8_t codes[kQK];
    for (int j = 0; j < kQK / 2; ++j) {
      codes[j] = kIq4nlValues[x[b].qs[j] & 0xF];
      codes[j + kQK / 2] = kIq4nlValues[x[b].qs[j] >> 4];
    }
    sum += static_cast<float>(dot_codes(codes, y[b].qs, kQK)) * (to_f32(x[b].d) * to_f32(y[b].d));
  }
  return sum;
}

// ---- super-block formats · Q8_K ------------------------------------------------------------
// Per super-block an exact integer Σ scale·Σ code·a (and Σ min·bsum), then one float step:
// sum += d_a·(d·isum − dmin·msum). The x86 variants form exactly the same integers.

float dot_q2_k(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ2K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ2K& blk = x[b];
    int isum = 0, msum = 0;
    for (int g = 0; g < 16; ++g) msum += (blk.scales[g] >> 4) * y[b].bsums[g];
    // Element 128h + 32s + l is bits 2s of qs[32h + l]; its 16-group is (128h + 32s + l)/16.
    for (int h = 0; h < 2; ++h)
      for (int s = 0; s < 4; ++s)
        for (int part = 0; part < 2; ++part) {
          const int e0 = 128 * h + 32 * s + 16 * part;
          int dot = 0;
          for (int l = 0; l < 16; ++l) dot += ((blk.qs[32 * h + 16 * part + l] >> (2 * s)) & 3) * y[b].qs[e0 + l];
          isum += (blk.scales[e0 / 16] & 0xF) * dot;
        }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum) - to_f32(blk.dmin) * static_cast<float>(msum));
  }
  return sum;
}

float dot_q3_k(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ3K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ3K& blk = x[b];
    int8_t scales[16];
    q3k_scales(blk.scales, scales);
    int isum = 0;
    for (int h = 0; h < 2; ++h)
      for (int s = 0; s < 4; ++s)
        for (int part = 0; part < 2; ++part) {
          const int e0 = 128 * h + 32 * s + 16 * part;
          const int bit = 4 * h + s;
          int dot = 0;
          for (int l = 0; l < 16; ++l) {
            const int idx = 16 * part + l;
            const int q = ((blk.qs[32 * h + idx] >> (2 * s)) & 3) - (((blk.hmask[idx] >> bit) & 1) ? 0 : 4);
            dot += q * y[b].qs[e0 + l];
          }
          isum += scales[e0 / 16] * dot;
        }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

// Q4_K and Q5_K share the scale/min handling; codes() yields the 4- or 5-bit code of element e.
template <typename Block, typename Codes>
float dot_k4_family(int64_t n, const Block* x, const BlockQ8K* y, Codes codes) {
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const Block& blk = x[b];
    int isum = 0, msum = 0;
    for (int k = 0; k < 8; ++k) {
      uint8_t sc, m;
      k4_scale_min(blk.scales, k, &sc, &m);
      msum += m * (y[b].bsums[2 * k] + y[b].bsums[2 * k + 1]);
      int dot = 0;
      for (int l = 0; l < 32; ++l) dot += codes(blk, 32 * k + l) * y[b].qs[32 * k + l];
      isum += sc * dot;
    }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum) - to_f32(blk.dmin) * static_cast<float>(msum));
  }
  return sum;
}

float dot_q4_k(int64_t n, const void* w, const void* act) {
  return dot_k4_family(n, static_cast<const BlockQ4K*>(w), static_cast<const BlockQ8K*>(act),
                       [](const BlockQ4K& blk, int e) {
                         const int chunk = e / 64, l = e % 32;
                         const uint8_t byte = blk.qs[32 * chunk + l];
                         return (e % 64) < 32 ? (byte & 0xF) : (byte >> 4);
                       });
}

float dot_q5_k(int64_t n, const void* w, const void* act) {
  return dot_k4_family(n, static_cast<const BlockQ5K*>(w), static_cast<const BlockQ8K*>(act),
                       [](const BlockQ5K& blk, int e) {
                         const int chunk = e / 64, l = e % 32;
                         const bool high = (e % 64) >= 32;
                         const uint8_t byte = blk.qs[32 * chunk + l];
                         const int bit = (blk.qh[l] >> (2 * chunk + (high ? 1 : 0))) & 1;
                         return (high ? (byte >> 4) : (byte & 0xF)) + 16 * bit;
                       });
}

float dot_q6_k(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6K*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ6K& blk = x[b];
    int isum = 0;
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = blk.ql + 64 * h;
      const uint8_t* qh = blk.qh + 32 * h;
      const int8_t* a = y[b].qs + 128 * h;
      int dots[8] = {};  // per 16-group of this half
      for (int l = 0; l < 32; ++l) {
        const int g = l / 16;
        dots[g + 0] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * a[l];
        dots[g + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * a[l + 32];
        dots[g + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * a[l + 64];
        dots[g + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * a[l + 96];
      }
      for (int g = 0; g < 8; ++g) isum += blk.scales[8 * h + g] * dots[g];
    }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

float dot_iq4_xs(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockIQ4XS*>(w);
  const auto* y = static_cast<const BlockQ8K*>(act);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockIQ4XS& blk = x[b];
    int isum = 0;
    for (int sub = 0; sub < 8; ++sub) {
      const uint8_t* q = blk.qs + 16 * sub;
      const int8_t* a = y[b].qs + 32 * sub;
      int dot = 0;
      for (int j = 0; j < 16; ++j) dot += kIq4nlValues[q[j] & 0xF] * a[j] + kIq4nlValues[q[j] >> 4] * a[j + 16];
      isum += iq4xs_scale(blk, sub) * dot;
    }
    sum += y[b].d * (to_f32(blk.d) * static_cast<float>(isum));
  }
  return sum;
}

constexpr DotKernel kKernels[] = {
    f32_act_kernel(GgmlType::F32, dot_f32),
    f32_act_kernel(GgmlType::F16, dot_f16),
    f32_act_kernel(GgmlType::BF16, dot_bf16),
    q8_0_act_kernel(GgmlType::Q4_0, dot_q4_0),
    q8_0_act_kernel(GgmlType::Q4_1, dot_q4_1),
    q8_0_act_kernel(GgmlType::Q5_0, dot_q5_0),
    q8_0_act_kernel(GgmlType::Q5_1, dot_q5_1),
    q8_0_act_kernel(GgmlType::Q8_0, dot_q8_0),
    q8_0_act_kernel(GgmlType::IQ4_NL, dot_iq4_nl),
    q8_k_act_kernel(GgmlType::Q2_K, dot_q2_k),
    q8_k_act_kernel(GgmlType::Q3_K, dot_q3_k),
    q8_k_act_kernel(GgmlType::Q4_K, dot_q4_k),
    q8_k_act_kernel(GgmlType::Q5_K, dot_q5_k),
    q8_k_act_kernel(GgmlType::Q6_K, dot_q6_k),
    q8_k_act_kernel(GgmlType::IQ4_XS, dot_iq4_xs),
};

}  // namespace

const DotKernel* generic_dot_kernel(GgmlType weight_type) { return find_dot_kernel(kKernels, weight_type); }

}  // namespace onboard::kernels
