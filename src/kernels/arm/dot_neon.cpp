// Plain NEON (ARMv8-A Advanced SIMD, present on every aarch64 CPU) instantiation of the ARM dot
// kernels: int8 products widened with SMULL and pairwise-accumulated into int32 lanes.
#include "kernels/arm/dot_arm.h"
#include "kernels/arm/dot_neon_impl.h"

namespace onboard::kernels {
namespace {

struct NeonOps {
  // acc[i32] += products of a·b, four per lane (lane grouping differs from SDOT; only the lane
  // total is used). Each product fits int16 (|a|, |b| ≤ 128·127).
  static int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b) {
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
    return vpadalq_s16(acc, vmull_high_s8(a, b));
  }
};

}  // namespace

const DotKernel* neon_dot_kernel(GgmlType weight_type) { return NeonKernels<NeonOps>::find(weight_type); }

}  // namespace onboard::kernels
