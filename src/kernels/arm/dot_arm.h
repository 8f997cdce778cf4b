// Entry points of the ARM dot-kernel variants (dot_neon.cpp, dot_neon_dotprod.cpp). Each returns
// its kernel for a weight type, or nullptr where it has no code of its own (the generic one is
// used). Call only after checking the CPU (available_isas()). Defined only in aarch64 builds.
#pragma once

#include "kernels/dot.h"

namespace onboard::kernels {

const DotKernel* neon_dot_kernel(GgmlType weight_type);
const DotKernel* neon_dotprod_dot_kernel(GgmlType weight_type);

}  // namespace onboard::kernels
