#include "model/synth_presets.h"

#include <cmath>
#include <numbers>

namespace onboard::model {

const std::vector<SynthPreset>& synth_presets() {
  static const std::vector<SynthPreset> presets = [] {
    std::vector<SynthPreset> v;
    auto qwen = [&](const char* name, const char* display, const char* size, int64_t vocab, int64_t embd, int64_t layers,
                    int64_t heads, int64_t kv, int64_t ff, float eps, float theta) {
      SynthPreset p;
      p.name = name;
      p.arch = "qwen2";
      p.display_name = display;
      p.size_label = size;
      p.n_vocab = vocab;
      p.n_embd = embd;
      p.n_layer = layers;
      p.n_head = heads;
      p.n_head_kv = kv;
      p.n_ff = ff;
      p.rms_eps = eps;
      p.rope_theta = theta;
      p.qkv_bias = true;
      p.tokenizer = "r1-qwen";
      v.push_back(p);
    };
    // §2.2. The 14B/32B rows are marked [UNCONFIRMED] there; they are the Qwen2.5-14B/32B values.
    qwen("r1-distill-qwen-1.5b", "DeepSeek R1 Distill Qwen 1.5B", "1.5B", 151936, 1536, 28, 12, 2, 8960, 1e-6f, 10000.f);
    qwen("r1-distill-qwen-7b", "DeepSeek R1 Distill Qwen 7B", "7B", 152064, 3584, 28, 28, 4, 18944, 1e-6f, 10000.f);
    qwen("r1-distill-qwen-14b", "DeepSeek R1 Distill Qwen 14B", "14B", 152064, 5120, 48, 40, 8, 13824, 1e-5f, 1000000.f);
    qwen("r1-distill-qwen-32b", "DeepSeek R1 Distill Qwen 32B", "32B", 152064, 5120, 64, 40, 8, 27648, 1e-5f, 1000000.f);
    // §3: Llama-3.1-8B shapes with llama3 RoPE scaling.
    SynthPreset l;
    l.name = "r1-distill-llama-8b";
    l.arch = "llama";
    l.display_name = "DeepSeek R1 Distill Llama 8B";
    l.size_label = "8B";
    l.n_vocab = 128256;
    l.n_embd = 4096;
    l.n_layer = 32;
    l.n_head = 32;
    l.n_head_kv = 8;
    l.n_ff = 14336;
    l.rms_eps = 1e-5f;
    l.rope_theta = 500000.f;
    l.rope_scale_factor = 8.f;
    l.rope_low_freq_factor = 1.f;
    l.rope_high_freq_factor = 4.f;
    l.rope_orig_ctx = 8192;
    l.tokenizer = "deepseek-v3";
    l.tokenizer_stand_in_for = "Llama-3";
    v.push_back(l);

    // §4.1, V2-Lite column (DeepSeek-V2-Lite-Chat config.json = DSV3 configs/config_16B.json),
    // GGUF keys as in §6.4: 27 layers, hidden 2048, 16 heads, no q-LoRA, kv_lora 512, 128/64/128,
    // first layer dense (10944), 64 routed + 2 shared experts of 1408, 6 per token, softmax,
    // greedy (1 group), no renormalisation, scale 1.0; YaRN factor 40 over 4096 with
    // mscale = mscale_all_dim = 0.707, beta 32/1; theta 1e4, eps 1e-6, 163840 context.
    // About 15.7B parameters (synth_parameter_count).
    SynthPreset lite;
    lite.name = "deepseek-v2-lite";
    lite.arch = "deepseek2";
    lite.display_name = "DeepSeek V2 Lite";
    lite.size_label = "16B";
    lite.n_vocab = 102400;
    lite.n_embd = 2048;
    lite.n_layer = 27;
    lite.n_head = 16;
    lite.n_head_kv = 16;
    lite.head_dim = 128 + 64;
    lite.n_ff = 10944;
    lite.n_ctx = 163840;
    lite.rms_eps = 1e-6f;
    lite.rope_theta = 10000.f;
    lite.tokenizer = "deepseek-v3";
    lite.tokenizer_stand_in_for = "DeepSeek-V2";  // 102400 ids; the V3 one has more, so rows are padded up
    lite.q_lora_rank = 0;
    lite.kv_lora_rank = 512;
    lite.qk_nope_dim = 128;
    lite.qk_rope_dim = 64;
    lite.v_head_dim = 128;
    lite.n_dense_lead = 1;
    lite.n_expert = 64;
    lite.n_expert_used = 6;
    lite.n_expert_shared = 2;
    lite.n_ff_expert = 1408;
    lite.n_expert_group = 1;
    lite.n_expert_group_used = 1;
    lite.expert_weights_scale = 1.f;
    lite.expert_weights_norm = false;
    lite.expert_gating = 1;
    lite.yarn_factor = 40.f;
    lite.yarn_orig_ctx = 4096;
    lite.yarn_beta_fast = 32.f;
    lite.yarn_beta_slow = 1.f;
    lite.yarn_mscale_all_dim = 0.707f;
    v.push_back(lite);

    // DeepSeek-V3/R1 in miniature (§4.1 V3 column for everything but the sizes): the real MLA
    // dimensions (q_lora 1536, kv_lora 512, 128/64/128), sigmoid scoring with
    // e_score_correction_bias and noaux_tc over 8 groups keeping 4, 8 experts per token,
    // renormalised, x2.5, one shared expert, YaRN factor 40 over 4096 with mscale 1.0, vocab
    // 129280, one MTP module (num_nextn_predict_layers 1, §4.6). Reduced: hidden 512 (V3 7168),
    // 8 heads (128), 3 layers of which 1 dense (61 / 3), 32 routed experts of 256 (256 of 2048),
    // dense ffn 1024 (18432), so 8 groups hold 4 experts each.
    SynthPreset v3;
    v3.name = "deepseek-v3-tiny";
    v3.arch = "deepseek2";
    v3.display_name = "DeepSeek V3 Tiny";
    v3.size_label = "tiny";
    v3.n_vocab = 129280;
    v3.n_embd = 512;
    v3.n_layer = 3;
    v3.n_head = 8;
    v3.n_head_kv = 8;
    v3.head_dim = 128 + 64;
    v3.n_ff = 1024;
    v3.n_ctx = 163840;
    v3.rms_eps = 1e-6f;
    v3.rope_theta = 10000.f;
    v3.tokenizer = "deepseek-v3";
    v3.q_lora_rank = 1536;
    v3.kv_lora_rank = 512;
    v3.qk_nope_dim = 128;
    v3.qk_rope_dim = 64;
    v3.v_head_dim = 128;
    v3.n_dense_lead = 1;
    v3.n_expert = 32;
    v3.n_expert_used = 8;
    v3.n_expert_shared = 1;
    v3.n_ff_expert = 256;
    v3.n_expert_group = 8;
    v3.n_expert_group_used = 4;
    v3.expert_weights_scale = 2.5f;
    v3.expert_weights_norm = true;
    v3.expert_gating = 2;
    v3.expert_bias = true;
    v3.yarn_factor = 40.f;
    v3.yarn_orig_ctx = 4096;
    v3.yarn_beta_fast = 32.f;
    v3.yarn_beta_slow = 1.f;
    v3.yarn_mscale_all_dim = 1.0f;
    v3.n_nextn = 1;
    v.push_back(v3);
    return v;
  }();
  return presets;
}

const SynthPreset* find_synth_preset(std::string_view name) {
  for (const auto& p : synth_presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string synth_preset_names() {
  std::string s;
  for (const auto& p : synth_presets()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

namespace {

// One deepseek2 block (§6.5), names in the converter's order (HF names sorted: input_layernorm,
// mlp.*, post_attention_layernorm, self_attn.*), MLA layout: kv_b_proj split into attn_k_b
// (W_UK^T per head) and attn_v_b.
void deepseek2_block(const SynthPreset& p, int64_t i, std::vector<SynthTensor>& t) {
  const std::string b = "blk." + std::to_string(i) + ".";
  const int64_t E = p.n_embd, H = p.n_head, L = p.kv_lora_rank, R = p.qk_rope_dim;
  t.push_back({b + "attn_norm.weight", {E}, SynthKind::kNorm});
  if (i < p.n_dense_lead || p.n_expert == 0) {
    t.push_back({b + "ffn_down.weight", {p.n_ff, E}, SynthKind::kLinear});
    t.push_back({b + "ffn_gate.weight", {E, p.n_ff}, SynthKind::kLinear});
    t.push_back({b + "ffn_up.weight", {E, p.n_ff}, SynthKind::kLinear});
  } else {
    const int64_t F = p.n_ff_expert, S = p.n_ff_expert * p.n_expert_shared;
    t.push_back({b + "ffn_gate_inp.weight", {E, p.n_expert}, SynthKind::kRouter});
    if (p.expert_bias) t.push_back({b + "exp_probs_b.bias", {p.n_expert}, SynthKind::kBias});
    t.push_back({b + "ffn_down_exps.weight", {F, E, p.n_expert}, SynthKind::kLinear});
    t.push_back({b + "ffn_gate_exps.weight", {E, F, p.n_expert}, SynthKind::kLinear});
    t.push_back({b + "ffn_up_exps.weight", {E, F, p.n_expert}, SynthKind::kLinear});
    if (S > 0) {
      t.push_back({b + "ffn_down_shexp.weight", {S, E}, SynthKind::kLinear});
      t.push_back({b + "ffn_gate_shexp.weight", {E, S}, SynthKind::kLinear});
      t.push_back({b + "ffn_up_shexp.weight", {E, S}, SynthKind::kLinear});
    }
  }
  t.push_back({b + "ffn_norm.weight", {E}, SynthKind::kNorm});
  t.push_back({b + "attn_kv_a_norm.weight", {L}, SynthKind::kNorm});
  t.push_back({b + "attn_kv_a_mqa.weight", {E, L + R}, SynthKind::kLinear});
  t.push_back({b + "attn_k_b.weight", {p.qk_nope_dim, L, H}, SynthKind::kLinearT});
  t.push_back({b + "attn_v_b.weight", {L, p.v_head_dim, H}, SynthKind::kLinear});
  t.push_back({b + "attn_output.weight", {H * p.v_head_dim, E}, SynthKind::kLinear});
  if (p.q_lora_rank > 0) {
    t.push_back({b + "attn_q_a_norm.weight", {p.q_lora_rank}, SynthKind::kNorm});
    t.push_back({b + "attn_q_a.weight", {E, p.q_lora_rank}, SynthKind::kLinear});
    t.push_back({b + "attn_q_b.weight", {p.q_lora_rank, H * p.head_dim}, SynthKind::kLinear});
  } else {
    t.push_back({b + "attn_q.weight", {E, H * p.head_dim}, SynthKind::kLinear});
  }
}

std::vector<SynthTensor> deepseek2_tensor_table(const SynthPreset& p, int64_t n_layer, bool with_nextn) {
  std::vector<SynthTensor> t;
  t.push_back({"output.weight", {p.n_embd, p.n_vocab}, SynthKind::kLinear});
  t.push_back({"token_embd.weight", {p.n_embd, p.n_vocab}, SynthKind::kEmbedding});
  for (int64_t i = 0; i < n_layer; ++i) deepseek2_block(p, i, t);
  // MTP modules follow the main layers as blk.<n_layer + k> (§4.6, §6.5): a decoder layer plus
  // eh_proj over [enorm(embedding) ; hnorm(hidden)] and the head norm. The optional copies of
  // the embedding and head (nextn.embed_tokens, nextn.shared_head_head) are left out, as
  // llama.cpp falls back to the main ones.
  for (int64_t k = 0; with_nextn && k < p.n_nextn; ++k) {
    const int64_t i = n_layer + k;
    deepseek2_block(p, i, t);
    const std::string b = "blk." + std::to_string(i) + ".nextn.";
    t.push_back({b + "eh_proj.weight", {2 * p.n_embd, p.n_embd}, SynthKind::kLinear});
    t.push_back({b + "enorm.weight", {p.n_embd}, SynthKind::kNorm});
    t.push_back({b + "hnorm.weight", {p.n_embd}, SynthKind::kNorm});
    t.push_back({b + "shared_head_norm.weight", {p.n_embd}, SynthKind::kNorm});
  }
  t.push_back({"output_norm.weight", {p.n_embd}, SynthKind::kNorm});
  return t;
}

}  // namespace

int64_t synth_parameter_count(const std::vector<SynthTensor>& table) {
  int64_t n = 0;
  for (const auto& t : table) {
    int64_t e = 1;
    for (int64_t d : t.ne) e *= d;
    n += e;
  }
  return n;
}

std::vector<SynthTensor> synth_tensor_table(const SynthPreset& p, int64_t n_layer, bool with_nextn) {
  if (n_layer <= 0) n_layer = p.n_layer;
  if (p.arch == "deepseek2") return deepseek2_tensor_table(p, n_layer, with_nextn);
  const int64_t q = p.n_head * p.head_dim, kv = p.n_head_kv * p.head_dim;
  std::vector<SynthTensor> t;
  // Order as llama.cpp's converter emits it: extra tensors, then the checkpoint's tensors in
  // Hugging Face name order (lm_head, embed_tokens, layers.N.{input_layernorm, mlp.*,
  // post_attention_layernorm, self_attn.*}, norm).
  if (p.rope_scale_factor > 0) t.push_back({"rope_freqs.weight", {p.head_dim / 2}, SynthKind::kRopeFreqs});
  if (!p.tied_output) t.push_back({"output.weight", {p.n_embd, p.n_vocab}, SynthKind::kLinear});
  t.push_back({"token_embd.weight", {p.n_embd, p.n_vocab}, SynthKind::kEmbedding});
  for (int64_t i = 0; i < n_layer; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    t.push_back({b + "attn_norm.weight", {p.n_embd}, SynthKind::kNorm});
    t.push_back({b + "ffn_down.weight", {p.n_ff, p.n_embd}, SynthKind::kLinear});
    t.push_back({b + "ffn_gate.weight", {p.n_embd, p.n_ff}, SynthKind::kLinear});
    t.push_back({b + "ffn_up.weight", {p.n_embd, p.n_ff}, SynthKind::kLinear});
    t.push_back({b + "ffn_norm.weight", {p.n_embd}, SynthKind::kNorm});
    if (p.qkv_bias) t.push_back({b + "attn_k.bias", {kv}, SynthKind::kBias});
    t.push_back({b + "attn_k.weight", {p.n_embd, kv}, SynthKind::kLinear});
    t.push_back({b + "attn_output.weight", {q, p.n_embd}, SynthKind::kLinear});
    if (p.qkv_bias) t.push_back({b + "attn_q.bias", {q}, SynthKind::kBias});
    t.push_back({b + "attn_q.weight", {p.n_embd, q}, SynthKind::kLinear});
    if (p.qkv_bias) t.push_back({b + "attn_v.bias", {kv}, SynthKind::kBias});
    t.push_back({b + "attn_v.weight", {p.n_embd, kv}, SynthKind::kLinear});
  }
  t.push_back({"output_norm.weight", {p.n_embd}, SynthKind::kNorm});
  return t;
}

std::vector<float> llama3_rope_freqs(const SynthPreset& p) {
  // Reference §3: keep high frequencies, divide low ones by the factor, blend in between.
  std::vector<float> out;
  const double low_wl = static_cast<double>(p.rope_orig_ctx) / p.rope_low_freq_factor;
  const double high_wl = static_cast<double>(p.rope_orig_ctx) / p.rope_high_freq_factor;
  for (int64_t i = 0; i < p.head_dim / 2; ++i) {
    const double inv_freq = std::pow(static_cast<double>(p.rope_theta), -2.0 * i / p.head_dim);
    const double wavelen = 2 * std::numbers::pi / inv_freq;
    double ff = 1.0;
    if (wavelen > low_wl) {
      ff = p.rope_scale_factor;
    } else if (wavelen >= high_wl) {
      const double s = (p.rope_orig_ctx / wavelen - p.rope_low_freq_factor) / (p.rope_high_freq_factor - p.rope_low_freq_factor);
      ff = 1.0 / ((1 - s) / p.rope_scale_factor + s);
    }
    out.push_back(static_cast<float>(ff));
  }
  return out;
}

}  // namespace onboard::model
