// Instruction-set variants of the kernels and run-time selection.
#pragma once

#include <vector>

namespace onboard::kernels {

enum class Isa { kGeneric, kAvx2, kAvx512, kNeon, kNeonDotprod };

// Variants this CPU can run, in increasing order (kGeneric always first).
// kAvx2 needs AVX2+FMA+F16C; kAvx512 needs AVX-512 F/BW/VL/DQ/VNNI on top.
// On aarch64: kNeon (Advanced SIMD, always there), kNeonDotprod when HWCAP_ASIMDDP is set.
std::vector<Isa> available_isas();

// The variant dot_kernel() uses: the best available one, capped by the environment variable
// ONBOARD_ISA=generic|avx2|avx512|neon|neon_dotprod (read once, at the first call).
Isa selected_isa();

const char* isa_name(Isa isa);

}  // namespace onboard::kernels
