// Shapes and hyper-parameters of the real models `onboard synth` imitates (reference
// shared/reference/deepseek-models.md §2.2, §3, §6.4), and the GGUF tensor table of each,
// in the order llama.cpp's converter writes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::model {

struct SynthPreset {
  std::string name;          // command-line name, e.g. "r1-distill-qwen-1.5b"
  std::string arch;          // general.architecture: "qwen2" or "llama"
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
  // for Llama-3's, which is not available here).
  std::string tokenizer;
};

// The presets `onboard synth --model` accepts.
const std::vector<SynthPreset>& synth_presets();
const SynthPreset* find_synth_preset(std::string_view name);
std::string synth_preset_names();  // "a, b, c" for messages

// What a tensor holds, which decides how its random values are drawn.
enum class SynthKind { kEmbedding, kLinear, kNorm, kBias, kRopeFreqs };

struct SynthTensor {
  std::string name;
  std::vector<int64_t> ne;  // GGUF order: ne[0] is the row length (fan-in of a linear layer)
  SynthKind kind;
};

// Every tensor of the preset with n_layer blocks (n_layer <= 0: the preset's own count).
std::vector<SynthTensor> synth_tensor_table(const SynthPreset& p, int64_t n_layer = 0);

// llama3 per-pair RoPE divisors (rope_freqs.weight), head_dim/2 values.
std::vector<float> llama3_rope_freqs(const SynthPreset& p);

}  // namespace onboard::model
