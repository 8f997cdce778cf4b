#include "tensor/quantize.h"

#include <cstring>

#include "tensor/half.h"
#include "tensor/quantize_formats.h"

namespace onboard {

bool can_quantize(GgmlType type) {
  switch (type) {
    case GgmlType::F32: case GgmlType::F16: case GgmlType::BF16:
    case GgmlType::Q4_0: case GgmlType::Q4_1: case GgmlType::Q5_0: case GgmlType::Q5_1:
    case GgmlType::Q8_0: case GgmlType::Q2_K: case GgmlType::Q3_K: case GgmlType::Q4_K:
    case GgmlType::Q5_K: case GgmlType::Q6_K: case GgmlType::IQ4_NL: case GgmlType::IQ4_XS:
      return true;
    default:
      return false;
  }
}

size_t quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
  using namespace quant;
  auto* out = static_cast<uint8_t*>(dst);
  switch (type) {
    case GgmlType::F32:
      std::memcpy(out, src, static_cast<size_t>(n) * sizeof(float));
      break;
    case GgmlType::F16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = f32_to_fp16(src[i]);
        std::memcpy(out + 2 * i, &h, 2);
      }
      break;
    case GgmlType::BF16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = f32_to_bf16(src[i]);
        std::memcpy(out + 2 * i, &h, 2);
      }
      break;
    case GgmlType::Q4_0: quantize_q4_0(src, reinterpret_cast<BlockQ4_0*>(out), n); break;
    case GgmlType::Q4_1: quantize_q4_1(src, reinterpret_cast<BlockQ4_1*>(out), n); break;
    case GgmlType::Q5_0: quantize_q5_0(src, reinterpret_cast<BlockQ5_0*>(out), n); break;
    case GgmlType::Q5_1: quantize_q5_1(src, reinterpret_cast<BlockQ5_1*>(out), n); break;
    case GgmlType::Q8_0: quantize_q8_0(src, reinterpret_cast<BlockQ8_0*>(out), n); break;
    case GgmlType::IQ4_NL: quantize_iq4_nl(src, reinterpret_cast<BlockIQ4NL*>(out), n); break;
    case GgmlType::Q2_K: quantize_q2_k(src, reinterpret_cast<BlockQ2K*>(out), n); break;
    case GgmlType::Q3_K: quantize_q3_k(src, reinterpret_cast<BlockQ3K*>(out), n); break;
    case GgmlType::Q4_K: quantize_q4_k(src, reinterpret_cast<BlockQ4K*>(out), n); break;
    case GgmlType::Q5_K: quantize_q5_k(src, reinterpret_cast<BlockQ5K*>(out), n); break;
    case GgmlType::Q6_K: quantize_q6_k(src, reinterpret_cast<BlockQ6K*>(out), n); break;
    case GgmlType::IQ4_XS: quantize_iq4_xs(src, reinterpret_cast<BlockIQ4XS*>(out), n); break;
    default:
      return 0;
  }
  return row_bytes(type, n);
}

}  // namespace onboard
