// Reference (scalar) dequantization of one row of a GGML tensor to float.
// Reference: shared/reference/deepseek-models.md §7.
#pragma once

#include <cstdint>

#include "tensor/ggml_type.h"

namespace onboard {

// Converts n elements starting at src (a row, or consecutive rows) to float.
// n must be a multiple of traits(type).block_size and traits(type).can_compute must hold;
// any other type leaves dst untouched (and asserts in debug builds).
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace onboard
