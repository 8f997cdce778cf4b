// Dot products of one weight row with a prepared activation row, per weight type and ISA.
// The activation is first converted once per row of x into the weight type's companion format
// (F32 for float weights, Q8_0 for the 32-element formats, Q8_K for the K-quants and IQ4_XS),
// then dot() is called for every weight row. Activation quantization is the same code on every
// ISA (shared/reference/deepseek-models.md §7.1), so variants differ only by summation order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "tensor/ggml_type.h"

namespace onboard::kernels {

// The most activation rows one dot_tokens call takes.
inline constexpr int kMaxDotTokens = 4;

struct DotKernel {
  GgmlType weight_type;
  GgmlType act_type;                    // F32, Q8_0 or Q8_K
  size_t (*act_bytes)(int64_t n);       // bytes quantize_act writes for n values
  // x: n floats; dst: act_bytes(n) bytes, aligned to 4. n: a multiple of the weight block size.
  void (*quantize_act)(const float* x, void* dst, int64_t n);
  // One weight row (n elements, any alignment) · a prepared activation. Thread-safe, no
  // allocation, no shared mutable state.
  float (*dot)(int64_t n, const void* w_row, const void* act);
  // Optional: one weight row · n_act (1..kMaxDotTokens) prepared activations at act + i·act_stride,
  // into out[i], decoding each weight block once for all of them (prompt processing); the same
  // values dot gives, bit for bit. nullptr: the caller calls dot per activation.
  void (*dot_tokens)(int64_t n, const void* w_row, const void* act, size_t act_stride, int n_act,
                     float* out) = nullptr;
};

// True for the weight types with a kernel (traits(type).can_compute).
bool has_dot_kernel(GgmlType weight_type);

// The kernel of the selected ISA (see selected_isa()); weight_type must have a kernel.
const DotKernel& dot_kernel(GgmlType weight_type);

// A specific variant (tests, benchmarks). An ISA without its own code for the type returns
// the generic kernel. isa must be one of available_isas().
const DotKernel& dot_kernel_for(GgmlType weight_type, Isa isa);

// Whether `isa` has its own (non-generic) code for the type.
bool has_specialized_dot(GgmlType weight_type, Isa isa);

}  // namespace onboard::kernels
