#include "kernels/dot.h"

#include <cassert>

#include "kernels/generic/dot_generic.h"
#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/dot_x86.h"
#endif
#if defined(__aarch64__)
#include "kernels/arm/dot_arm.h"
#endif

namespace onboard::kernels {
namespace {

const DotKernel* specialized(GgmlType weight_type, Isa isa) {
  // Each build has the variants of its own architecture (CMake compiles only those files).
  switch (isa) {
#if defined(__x86_64__) || defined(__i386__)
    case Isa::kAvx2: return avx2_dot_kernel(weight_type);
    case Isa::kAvx512: return avx512_dot_kernel(weight_type);
#endif
#if defined(__aarch64__)
    case Isa::kNeon: return neon_dot_kernel(weight_type);
    case Isa::kNeonDotprod: return neon_dotprod_dot_kernel(weight_type);
#endif
    default: return nullptr;
  }
}

// Indexed by the type id (all ids are < 64).
struct Table {
  const DotKernel* by_type[64] = {};
};

Table build_table(Isa isa) {
  Table t;
  for (uint32_t id = 0; id < 64; ++id) {
    const auto type = static_cast<GgmlType>(id);
    const DotKernel* k = specialized(type, isa);
    t.by_type[id] = k != nullptr ? k : generic_dot_kernel(type);
  }
  return t;
}

// Returned (after a debug assert) for a type without a kernel: its dot is NaN, so misuse shows
// in the output instead of reading past a buffer.
size_t no_act_bytes(int64_t) { return 0; }
void no_quantize(const float*, void*, int64_t) {}
float nan_dot(int64_t, const void*, const void*) { return __builtin_nanf(""); }
constexpr DotKernel kMissing{GgmlType::F32, GgmlType::F32, no_act_bytes, no_quantize, nan_dot};

}  // namespace

bool has_dot_kernel(GgmlType weight_type) { return generic_dot_kernel(weight_type) != nullptr; }

bool has_specialized_dot(GgmlType weight_type, Isa isa) { return specialized(weight_type, isa) != nullptr; }

const DotKernel& dot_kernel_for(GgmlType weight_type, Isa isa) {
  const DotKernel* k = specialized(weight_type, isa);
  if (k == nullptr) k = generic_dot_kernel(weight_type);
  assert(k != nullptr && "dot_kernel_for: weight type without a kernel");
  return k != nullptr ? *k : kMissing;
}

const DotKernel& dot_kernel(GgmlType weight_type) {
  static const Table table = build_table(selected_isa());
  const auto id = static_cast<uint32_t>(weight_type);
  const DotKernel* k = id < 64 ? table.by_type[id] : nullptr;
  assert(k != nullptr && "dot_kernel: weight type without a kernel");
  return k != nullptr ? *k : kMissing;
}

}  // namespace onboard::kernels
