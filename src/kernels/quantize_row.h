// Row quantization for writers (onboard quantize, onboard synth): the same bytes as the
// reference onboard::quantize_row (tensor/quantize.h) for every type, with the K-quant scale
// searches run by the best SIMD variant this CPU has (kernels/x86/kquant_search_*.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/ggml_type.h"

namespace onboard::kernels {

size_t quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

}  // namespace onboard::kernels
