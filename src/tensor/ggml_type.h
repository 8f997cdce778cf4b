// GGML tensor element types (ids as stored in GGUF) and their block geometry.
// Reference: shared/reference/deepseek-models.md §6.1, §7.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace onboard {

enum class GgmlType : uint32_t {
  F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
  IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
  IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
  TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
};

struct TypeTraits {
  GgmlType type;
  std::string_view name;
  int64_t block_size;  // elements per block
  size_t type_size;    // bytes per block
  bool can_compute;    // Onboard has dequantize + dot for it (weights of this type load)
};

// Traits of a type id read from a file; nullopt for ids GGML never defined.
std::optional<TypeTraits> type_traits(uint32_t type_id);
const TypeTraits& traits(GgmlType type);
std::optional<GgmlType> type_from_name(std::string_view name);  // "Q4_K", "q8_0", ...

// Bytes of a row of n elements; n must be a multiple of the block size.
inline size_t row_bytes(GgmlType type, int64_t n) {
  const TypeTraits& t = traits(type);
  return static_cast<size_t>(n / t.block_size) * t.type_size;
}

constexpr int64_t kQK_K = 256;  // super-block size of the K-quants

}  // namespace onboard
