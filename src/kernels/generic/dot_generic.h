// Portable scalar dot kernels for every weight type with compute support. They are the
// reference the ISA variants are tested against, and the fallback for types without SIMD code.
#pragma once

#include "kernels/dot.h"

namespace onboard::kernels {

// nullptr for types without a kernel.
const DotKernel* generic_dot_kernel(GgmlType weight_type);

}  // namespace onboard::kernels
