// Hyper-parameters of a decoder, read from GGUF metadata (reference §2-4, §6.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/gguf.h"

namespace onboard::model {

enum class RopeLayout {
  kHalfSplit,    // pairs (i, i + d/2): HF rotate_half, GGML "NEOX" (qwen2)
  kInterleaved,  // pairs (2i, 2i+1): GGML "NORM" (llama GGUF after the q/k permutation, deepseek2)
};

struct ModelConfig {
  std::string arch;  // general.architecture
  std::string name;  // general.name
  int64_t n_vocab = 0;
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim = 0;
  int64_t n_ff = 0;
  int64_t n_ctx_train = 0;
  float rms_eps = 1e-6f;
  float rope_theta = 10000.f;
  int64_t rope_dim = 0;  // rotated dims per head
  RopeLayout rope_layout = RopeLayout::kHalfSplit;
  bool has_rope_freqs = false;  // llama3 scaling: per-pair divisors in rope_freqs.weight
  bool qkv_bias = false;
  bool tied_output = false;  // output.weight absent: the embedding doubles as the head

  // deepseek2 (reference §4, §6.4); zero / defaults for the other architectures.
  // head_dim is the MLA q/k head size qk_nope + qk_rope (key_length_mla), rope_dim = qk_rope.
  int64_t q_lora_rank = 0;  // 0: plain attn_q (V2-Lite), no q-LoRA
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_dim = 0, v_head_dim = 0;
  int64_t n_dense_lead = 0;  // leading_dense_block_count: layers before the first MoE layer
  int64_t n_expert = 0, n_expert_used = 0, n_expert_shared = 0;
  int64_t n_ff_expert = 0;
  int64_t n_expert_group = 1, n_expert_group_used = 1;
  float expert_weights_scale = 1.f;
  bool expert_weights_norm = false;
  enum class Gating { kSoftmax = 1, kSigmoid = 2 } expert_gating = Gating::kSoftmax;
  // YaRN (§4.4): factor 0 means no scaling.
  float yarn_factor = 0.f;
  int64_t yarn_orig_ctx = 0;
  float yarn_beta_fast = 32.f, yarn_beta_slow = 1.f;
  float yarn_mscale_all_dim = 0.f;  // rope.scaling.yarn_log_multiplier / 0.1
  // Multi-token-prediction modules (nextn_predict_layers, V3/R1): blocks n_layer .. n_layer +
  // n_nextn - 1 of the file. n_layer counts the main layers only.
  int64_t n_nextn = 0;

  // Recommended sampling from general.sampling.* (NaN/-1 when absent).
  float sampling_temp = -1.f, sampling_top_p = -1.f, sampling_min_p = -1.f;
  int32_t sampling_top_k = -1;
};

// Architectures this build runs.
bool is_supported_arch(const std::string& arch);
// Values the KV cache holds per token over all layers: K and V of every KV head (GQA), or
// deepseek2's latent row c_kv + k_pe (kv_lora + rope, §4.2).
int64_t kv_values_per_token(const ModelConfig& c);
// The same for a plain multi-head cache of every query head (deepseek2: k = nope + rope, v).
int64_t mha_kv_values_per_token(const ModelConfig& c);
// Reads and checks the config; errors name the key.
Expected<ModelConfig> read_config(const gguf::GgufFile& file);

}  // namespace onboard::model
