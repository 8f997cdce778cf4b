// x86 variants of the K-quant scale searches (bit-identical to the reference ones).
#pragma once

#include "tensor/quantize_formats.h"

namespace onboard::kernels::x86 {

const quant::KQuantSearch& kquant_search_avx2();

}  // namespace onboard::kernels::x86
