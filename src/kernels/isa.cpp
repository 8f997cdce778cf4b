#include "kernels/isa.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace onboard::kernels {
namespace {

bool cpu_has_f16c() {
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

Isa best_available() {
  if (cpu_has_avx512()) return Isa::kAvx512;
  if (cpu_has_avx2()) return Isa::kAvx2;
  return Isa::kGeneric;
}

Isa compute_selected() {
  Isa isa = best_available();
  const char* cap = std::getenv("ONBOARD_ISA");
  if (cap != nullptr) {
    Isa limit = isa;
    if (std::strcmp(cap, "generic") == 0) limit = Isa::kGeneric;
    else if (std::strcmp(cap, "avx2") == 0) limit = Isa::kAvx2;
    else if (std::strcmp(cap, "avx512") == 0) limit = Isa::kAvx512;
    if (static_cast<int>(limit) < static_cast<int>(isa)) isa = limit;
  }
  return isa;
}

}  // namespace

std::vector<Isa> available_isas() {
  std::vector<Isa> out{Isa::kGeneric};
  if (cpu_has_avx2()) out.push_back(Isa::kAvx2);
  if (cpu_has_avx512()) out.push_back(Isa::kAvx512);
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
  }
  return "unknown";
}

}  // namespace onboard::kernels
