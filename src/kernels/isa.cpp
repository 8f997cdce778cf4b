#include "kernels/isa.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace onboard::kernels {
namespace {

[[maybe_unused]] bool cpu_has_f16c() {  // used by the x86 checks only
#if defined(__x86_64__) || defined(__i386__)
  // clang's __builtin_cpu_supports does not know "f16c": read CPUID leaf 1, ECX bit 29.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
#else
  return false;
#endif
}

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

// Advanced SIMD is part of every aarch64 CPU; the kernel still reports it (HWCAP_ASIMD).
bool cpu_has_neon() {
#if defined(__aarch64__) && defined(__linux__)
  return (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
#else
  return false;
#endif
}

bool cpu_has_neon_dotprod() {
#if defined(__aarch64__) && defined(__linux__)
  return cpu_has_neon() && (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#else
  return false;
#endif
}

Isa compute_selected() {
  const std::vector<Isa> isas = available_isas();
  Isa isa = isas.back();
  // A cap names a variant of this CPU's family; a name of another family (or unknown) is ignored.
  if (const char* cap = std::getenv("ONBOARD_ISA"); cap != nullptr) {
    for (Isa candidate : isas)
      if (std::strcmp(cap, isa_name(candidate)) == 0 && static_cast<int>(candidate) < static_cast<int>(isa))
        isa = candidate;
  }
  return isa;
}

}  // namespace

std::vector<Isa> available_isas() {
  std::vector<Isa> out{Isa::kGeneric};
  if (cpu_has_avx2()) out.push_back(Isa::kAvx2);
  if (cpu_has_avx512()) out.push_back(Isa::kAvx512);
  if (cpu_has_neon()) out.push_back(Isa::kNeon);
  if (cpu_has_neon_dotprod()) out.push_back(Isa::kNeonDotprod);
  return out;
}

Isa selected_isa() {
  static const Isa isa = compute_selected();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kGeneric: return "generic";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kNeon: return "neon";
    case Isa::kNeonDotprod: return "neon_dotprod";
  }
  return "unknown";
}

}  // namespace onboard::kernels
