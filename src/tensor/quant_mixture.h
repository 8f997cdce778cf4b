// Which type each tensor of a model gets when a file is quantized to a llama.cpp file type
// ("Q4_K_M" and the like): the usual per-tensor mixture of llama.cpp's quantizer, restated.
//   * Only 2-D+ tensors whose name ends in "weight" are converted; norms ("_norm.weight"),
//     1-D tensors (biases, rope_freqs) and MoE routers (ffn_gate_inp) keep their type.
//   * output.weight (token_embd.weight when the head is tied) gets Q6_K for every quantized
//     mix except Q8_0 (Q8_0 when its rows do not split into the base type's blocks).
//   * _M mixes give attn_v and ffn_down more bits in the "use_more_bits" layers (first and
//     last eighth, and every third layer in between); Q2_K, Q3_K_M and Q4_K_S have their own
//     rules for attn_v, ffn_down and attn_output.
//   * A row length that is not a multiple of the chosen type's block falls back to a 32-block
//     type (Q2_K/Q3_K -> IQ4_NL, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0), or F16.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/ggml_type.h"

namespace onboard {

struct QuantMix {
  std::string_view name;  // "Q4_K_M"
  uint32_t file_type;     // general.file_type (llama_ftype)
  GgmlType base;          // the type most weights get
};

const std::vector<QuantMix>& quant_mixes();
std::optional<QuantMix> find_quant_mix(std::string_view name);  // case-insensitive
std::string quant_mix_names();                                   // "Q8_0, Q4_0, ..."

// Facts about the whole model the rules need.
struct MixModel {
  int64_t n_layer = 1;    // block_count
  int64_t n_gqa = 1;      // head_count / head_count_kv
  bool has_output = true; // an output.weight exists (else the embedding is the head)
};

// Whether a tensor is converted at all (otherwise it is copied as it is).
bool is_quantizable(std::string_view name, int n_dims);

// llama.cpp's choice of layers that get more bits in the _M mixes.
bool use_more_bits(int64_t i_layer, int64_t n_layer);

struct TypeChoice {
  GgmlType type;
  bool fallback = false;  // the preferred type did not fit the row length
};

// The type of one quantizable tensor; ne0 = row length.
TypeChoice choose_tensor_type(const QuantMix& mix, std::string_view name, int64_t ne0, const MixModel& model);

}  // namespace onboard
