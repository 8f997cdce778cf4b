// Shapes and hyper-parameters of the real models `onboard synth` imitates (reference
// shared/reference/deepseek-models.md §2.2, §3, §4.1, §6.4-6.5), and the GGUF tensor table of
// each, in the order llama.cpp's converter writes it (deepseek2: the MLA layout with attn_k_b /
// attn_v_b, as current converters write it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::model {

struct SynthPreset {
  std::string name;          // command-line name, e.g. "r1-distill-qwen-1.5b"
  std::string arch;          // general.architecture: "qwen2", "llama" or "deepseek2"
  std::string display_name;  // general.name
  std::string size_label;    // general.size_label
  int64_t n_vocab = 0;       // embedding / output rows
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim = 128;
  int64_t n_ff = 0;
  int64_t n_ctx = 131072;
  float rms_eps = 1e-6f;
  float rope_theta = 10000.f;
  bool qkv_bias = false;     // qwen2: q/k/v biases
  bool tied_output = false;  // no output.weight (none of the R1 distills)
  // llama3 RoPE scaling (written as rope_freqs.weight); factor 0 = none.
  float rope_scale_factor = 0.f, rope_low_freq_factor = 1.f, rope_high_freq_factor = 4.f;
  int64_t rope_orig_ctx = 8192;
  // Which tokenizer the file carries: "r1-qwen" (R1-Distill-Qwen) or "deepseek-v3" (the stand-in
  // for Llama-3's and DeepSeek-V2's, which are not available here).
  std::string tokenizer;
  std::string tokenizer_stand_in_for;  // whose tokenizer the "deepseek-v3" one stands in for, or empty

  // deepseek2 only (reference §4.1 names in comments). n_ff is intermediate_size (dense layers),
  // head_dim is qk_nope + qk_rope, n_head_kv = n_head.
  int64_t q_lora_rank = 0;                  // q_lora_rank; 0 = plain attn_q (V2-Lite)
  int64_t kv_lora_rank = 0;                 // kv_lora_rank
  int64_t qk_nope_dim = 0, qk_rope_dim = 0; // qk_nope_head_dim, qk_rope_head_dim
  int64_t v_head_dim = 0;                   // v_head_dim
  int64_t n_dense_lead = 0;                 // first_k_dense_replace
  int64_t n_expert = 0, n_expert_used = 0;  // n_routed_experts, num_experts_per_tok
  int64_t n_expert_shared = 0;              // n_shared_experts
  int64_t n_ff_expert = 0;                  // moe_intermediate_size
  int64_t n_expert_group = 1, n_expert_group_used = 1;  // n_group, topk_group
  float expert_weights_scale = 1.f;         // routed_scaling_factor
  bool expert_weights_norm = false;         // norm_topk_prob
  int expert_gating = 1;                    // scoring_func: 1 softmax, 2 sigmoid (GGUF expert_gating_func)
  bool expert_bias = false;                 // e_score_correction_bias (noaux_tc)
  // rope_scaling (YaRN); factor 0 = none.
  float yarn_factor = 0.f, yarn_beta_fast = 32.f, yarn_beta_slow = 1.f, yarn_mscale_all_dim = 0.f;
  int64_t yarn_orig_ctx = 0;
  int64_t n_nextn = 0;                      // num_nextn_predict_layers (MTP modules)
};

// The presets `onboard synth --model` accepts.
const std::vector<SynthPreset>& synth_presets();
const SynthPreset* find_synth_preset(std::string_view name);
std::string synth_preset_names();  // "a, b, c" for messages

// What a tensor holds, which decides how its random values are drawn.
// kLinearT: a linear layer stored transposed (attn_k_b), whose fan-in is ne[1]. kRouter: a
// linear layer GGUF keeps in F32 (ffn_gate_inp).
enum class SynthKind { kEmbedding, kLinear, kLinearT, kRouter, kNorm, kBias, kRopeFreqs };

struct SynthTensor {
  std::string name;
  std::vector<int64_t> ne;  // GGUF order: ne[0] is the row length (fan-in of a linear layer)
  SynthKind kind;
};

// Every tensor of the preset with n_layer blocks (n_layer <= 0: the preset's own count), plus
// the preset's MTP layers (blk.<n_layer + k>, a full decoder layer and its nextn.* tensors)
// unless with_nextn is false.
std::vector<SynthTensor> synth_tensor_table(const SynthPreset& p, int64_t n_layer = 0, bool with_nextn = true);

// Parameters of the tensor table (the model's size).
int64_t synth_parameter_count(const std::vector<SynthTensor>& table);

// llama3 per-pair RoPE divisors (rope_freqs.weight), head_dim/2 values.
std::vector<float> llama3_rope_freqs(const SynthPreset& p);

}  // namespace onboard::model
