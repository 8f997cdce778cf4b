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
    v.push_back(l);
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

std::vector<SynthTensor> synth_tensor_table(const SynthPreset& p, int64_t n_layer) {
  if (n_layer <= 0) n_layer = p.n_layer;
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
