// Entry points of the x86 dot-kernel variants (dot_avx2.cpp, dot_avx512.cpp). Each returns its
// kernel for a weight type, or nullptr where it has no code of its own (the generic one is used).
// Call only after checking the CPU (available_isas()).
#pragma once

#include "kernels/dot.h"

namespace onboard::kernels {

const DotKernel* avx2_dot_kernel(GgmlType weight_type);
const DotKernel* avx512_dot_kernel(GgmlType weight_type);

}  // namespace onboard::kernels
