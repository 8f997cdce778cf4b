#include "kernels/quantize_row.h"

#include "kernels/isa.h"
#include "tensor/quantize.h"
#include "tensor/quantize_formats.h"
#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/kquant_search_x86.h"
#endif

namespace onboard::kernels {
namespace {

const quant::KQuantSearch* simd_search() {
#if defined(__x86_64__) || defined(__i386__)
  if (selected_isa() != Isa::kGeneric) return &x86::kquant_search_avx2();
#endif
  return nullptr;
}

}  // namespace

size_t quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
  static const quant::KQuantSearch* const search = simd_search();
  if (!search) return onboard::quantize_row(type, src, dst, n);
  switch (type) {
    case GgmlType::Q3_K: quant::quantize_q3_k(src, static_cast<BlockQ3K*>(dst), n, *search); break;
    case GgmlType::Q4_K: quant::quantize_q4_k(src, static_cast<BlockQ4K*>(dst), n, *search); break;
    case GgmlType::Q5_K: quant::quantize_q5_k(src, static_cast<BlockQ5K*>(dst), n, *search); break;
    case GgmlType::Q6_K: quant::quantize_q6_k(src, static_cast<BlockQ6K*>(dst), n, *search); break;
    default: return onboard::quantize_row(type, src, dst, n);
  }
  return row_bytes(type, n);
}

}  // namespace onboard::kernels
