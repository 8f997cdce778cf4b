// Building blocks of the per-ISA dot-kernel tables (generic, AVX2/AVX-512, NEON): each table
// names only the weight type and its dot functions; the activation format's size and quantizer
// follow from the format (the same on every ISA, see dot.h), and the lookup is shared.
#pragma once

#include <span>

#include "kernels/act_quant.h"
#include "kernels/dot.h"

namespace onboard::kernels {

using DotFn = decltype(DotKernel::dot);
using DotTokensFn = decltype(DotKernel::dot_tokens);

// Float weights · F32 activations.
constexpr DotKernel f32_act_kernel(GgmlType weight_type, DotFn dot, DotTokensFn dot_tokens = nullptr) {
  return {weight_type, GgmlType::F32, act_bytes_f32, quantize_act_f32, dot, dot_tokens};
}

// 32-element formats · Q8_0 activations.
constexpr DotKernel q8_0_act_kernel(GgmlType weight_type, DotFn dot, DotTokensFn dot_tokens = nullptr) {
  return {weight_type, GgmlType::Q8_0, act_bytes_q8_0, quantize_act_q8_0, dot, dot_tokens};
}

// Super-block formats · Q8_K activations.
constexpr DotKernel q8_k_act_kernel(GgmlType weight_type, DotFn dot, DotTokensFn dot_tokens = nullptr) {
  return {weight_type, GgmlType::Q8_K, act_bytes_q8_k, quantize_act_q8_k, dot, dot_tokens};
}

// The table's kernel for weight_type, or nullptr where the table has none.
constexpr const DotKernel* find_dot_kernel(std::span<const DotKernel> table, GgmlType weight_type) {
  for (const DotKernel& k : table)
    if (k.weight_type == weight_type) return &k;
  return nullptr;
}

}  // namespace onboard::kernels
