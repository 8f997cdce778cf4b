// Run-time ISA detection: the variants a CPU reports and the ONBOARD_ISA cap. The ARM cross build
// runs this under qemu with two emulated CPUs and tells it (ONBOARD_EXPECT_ISAS) what each has.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/dot.h"
#include "kernels/isa.h"

namespace onboard::kernels {
namespace {

std::string joined(const std::vector<Isa>& isas) {
  std::string s;
  for (Isa i : isas) s += (s.empty() ? "" : " ") + std::string(isa_name(i));
  return s;
}

TEST(IsaDetection, ReportsWhatTheEmulatedCpuHas) {
  const char* expected = std::getenv("ONBOARD_EXPECT_ISAS");
  if (expected == nullptr) GTEST_SKIP() << "ONBOARD_EXPECT_ISAS is set by the qemu runs only";
  EXPECT_EQ(joined(available_isas()), expected);
  // With no cap the best reported variant is the one dot_kernel() uses.
  if (std::getenv("ONBOARD_ISA") == nullptr) {
    EXPECT_EQ(selected_isa(), available_isas().back());
  }
}

TEST(IsaDetection, ArmNamesAndKernels) {
  EXPECT_STREQ(isa_name(Isa::kNeon), "neon");
  EXPECT_STREQ(isa_name(Isa::kNeonDotprod), "neon_dotprod");
#if defined(__aarch64__)
  // Every aarch64 CPU has Advanced SIMD; x86 variants never show up here, nor ARM ones on x86.
  const std::vector<Isa> isas = available_isas();
  ASSERT_GE(isas.size(), 2u);
  EXPECT_EQ(isas[1], Isa::kNeon);
  for (Isa i : isas) EXPECT_TRUE(i == Isa::kGeneric || i == Isa::kNeon || i == Isa::kNeonDotprod) << isa_name(i);
  for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q6_K})
    for (Isa i : isas)
      if (i != Isa::kGeneric) {
        EXPECT_TRUE(has_specialized_dot(type, i)) << isa_name(i) << " " << traits(type).name;
      }
#else
  for (Isa i : available_isas()) EXPECT_TRUE(i != Isa::kNeon && i != Isa::kNeonDotprod);
#endif
}

}  // namespace
}  // namespace onboard::kernels
