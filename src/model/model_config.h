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

  // Recommended sampling from general.sampling.* (NaN/-1 when absent).
  float sampling_temp = -1.f, sampling_top_p = -1.f, sampling_min_p = -1.f;
  int32_t sampling_top_k = -1;
};

// Architectures this build runs.
bool is_supported_arch(const std::string& arch);
// Reads and checks the config; errors name the key.
Expected<ModelConfig> read_config(const gguf::GgufFile& file);

}  // namespace onboard::model
