// NEON + dot-product extension (SDOT, ARMv8.2-A optional, e.g. Cortex-A55/A76 and later)
// instantiation of the ARM dot kernels. Compiled with -march=armv8.2-a+dotprod; selected only
// when the kernel reports HWCAP_ASIMDDP.
#include "kernels/arm/dot_arm.h"
#include "kernels/arm/dot_neon_impl.h"

namespace onboard::kernels {
namespace {

struct DotprodOps {
  static int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }
};

}  // namespace

const DotKernel* neon_dotprod_dot_kernel(GgmlType weight_type) { return NeonKernels<DotprodOps>::find(weight_type); }

}  // namespace onboard::kernels
