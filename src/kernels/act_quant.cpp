#include "kernels/act_quant.h"

#include <cmath>
#include <cstring>

#include "tensor/block_layouts.h"
#include "tensor/quant_search.h"

namespace onboard::kernels {

size_t act_bytes_f32(int64_t n) { return static_cast<size_t>(n) * sizeof(float); }
size_t act_bytes_q8_0(int64_t n) { return static_cast<size_t>(n / kQK) * sizeof(BlockQ8_0); }
size_t act_bytes_q8_k(int64_t n) { return static_cast<size_t>(n / kQKK) * sizeof(BlockQ8K); }

void quantize_act_f32(const float* x, void* dst, int64_t n) {
  std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
}

void quantize_act_q8_0(const float* x, void* dst, int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0;
    for (int j = 0; j < kQK; ++j) amax = std::fmax(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y[b].d = to_fp16_field(d);
    for (int j = 0; j < kQK; ++j) y[b].qs[j] = static_cast<int8_t>(std::round(x[j] * id));
  }
}

void quantize_act_q8_k(const float* x, void* dst, int64_t n) {
  auto* y = static_cast<BlockQ8K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    BlockQ8K& blk = y[b];
    float extreme = 0, amax = 0;
    for (int j = 0; j < kQKK; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        extreme = x[j];
      }
    }
    if (amax == 0) {
      std::memset(&blk, 0, sizeof blk);
      continue;
    }
    const float iscale = -127.0f / extreme;
    for (int j = 0; j < kQKK; ++j) {
      const int q = quant::nearest_int(iscale * x[j]);
      blk.qs[j] = static_cast<int8_t>(q < 127 ? q : 127);
    }
    for (int g = 0; g < kQKK / 16; ++g) {
      int sum = 0;
      for (int j = 0; j < 16; ++j) sum += blk.qs[16 * g + j];
      blk.bsums[g] = static_cast<int16_t>(sum);
    }
    blk.d = 1.0f / iscale;
  }
}

}  // namespace onboard::kernels
