// Reference (scalar) quantization of float rows into GGML block formats, as used by
// `onboard quantize`. The K-quants search their sub-block scales and mins (weighted least
// squares over a fan of candidate scales) instead of taking plain min/max.
// Reference: shared/reference/deepseek-models.md §7.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/ggml_type.h"

namespace onboard {

// True for the types quantize_row can write: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
// Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS.
bool can_quantize(GgmlType type);

// Quantizes n floats (a multiple of the type's block size) into dst, which must hold
// row_bytes(type, n) bytes. Returns the bytes written (0 if the type cannot be quantized).
// Thread-safe; no allocation.
size_t quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

}  // namespace onboard
