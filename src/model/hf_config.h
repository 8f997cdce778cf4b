// Hugging Face config.json <-> the engine's ModelConfig and the GGUF keys llama.cpp's
// converter writes for it (reference §2-4, §6.4), so a Hugging Face directory feeds the same
// config reader and weight binders as a GGUF file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "format/gguf_writer.h"
#include "model/model_config.h"

namespace onboard::model {

struct HfConfig {
  ModelConfig config;
  std::vector<float> rope_freqs;  // llama3 per-pair divisors (rope_freqs.weight), empty if none
  int64_t n_vocab = 0;            // vocab_size
  int64_t n_nextn_layers = 0;     // num_nextn_predict_layers (MTP), stored after the decoder layers
};

// Reads config.json text: architectures Qwen2ForCausalLM, LlamaForCausalLM,
// DeepseekV2ForCausalLM, DeepseekV3ForCausalLM. Errors name `path` and the key.
Expected<HfConfig> parse_hf_config(const std::string& text, const std::string& path);

// The GGUF metadata keys for `c` as the converter writes them (deepseek2 as an MLA GGUF).
void add_gguf_config_keys(gguf::GgufWriter& w, const ModelConfig& c);

// config.json for `c`. llama3 RoPE parameters cannot be recovered from rope_freqs, so a
// llama config with has_rope_freqs needs `rope_scaling` (the JSON object); else it is unused.
Expected<nlohmann::json> hf_config_json(const ModelConfig& c, int64_t n_vocab, const nlohmann::json& rope_scaling);

}  // namespace onboard::model
