#include "model/model_config.h"

#include <cmath>

namespace onboard::model {

bool is_supported_arch(const std::string& arch) { return arch == "qwen2" || arch == "llama"; }

namespace {

Expected<int64_t> positive(const gguf::GgufFile& f, const std::string& key) {
  ONBOARD_ASSIGN_OR_RETURN(uint64_t v, f.get_uint(key));
  if (v == 0 || v > (uint64_t{1} << 31))
    return make_error(ErrorCode::kCorrupt, f.name() + ": metadata key '" + key + "' has implausible value " + std::to_string(v));
  return static_cast<int64_t>(v);
}

}  // namespace

Expected<ModelConfig> read_config(const gguf::GgufFile& f) {
  ModelConfig c;
  ONBOARD_ASSIGN_OR_RETURN(std::string_view arch, f.get_string("general.architecture"));
  c.arch = std::string(arch);
  if (!is_supported_arch(c.arch))
    return make_error(ErrorCode::kUnsupported, f.name() + ": unknown architecture '" + c.arch +
                                                   "' (general.architecture); this build runs qwen2, llama");
  if (auto n = f.get_string("general.name"); n.ok()) c.name = std::string(*n);
  const std::string p = c.arch + ".";
  ONBOARD_ASSIGN_OR_RETURN(c.n_layer, positive(f, p + "block_count"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_embd, positive(f, p + "embedding_length"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_ff, positive(f, p + "feed_forward_length"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_head, positive(f, p + "attention.head_count"));
  c.n_head_kv = c.n_head;
  if (f.find(p + "attention.head_count_kv")) {
    ONBOARD_ASSIGN_OR_RETURN(c.n_head_kv, positive(f, p + "attention.head_count_kv"));
  }
  ONBOARD_ASSIGN_OR_RETURN(c.n_ctx_train, positive(f, p + "context_length"));
  ONBOARD_ASSIGN_OR_RETURN(double eps, f.get_float(p + "attention.layer_norm_rms_epsilon"));
  c.rms_eps = static_cast<float>(eps);
  if (f.find(p + "rope.freq_base")) {
    ONBOARD_ASSIGN_OR_RETURN(double theta, f.get_float(p + "rope.freq_base"));
    c.rope_theta = static_cast<float>(theta);
  }
  if (c.n_embd % c.n_head != 0 || c.n_head % c.n_head_kv != 0)
    return make_error(ErrorCode::kCorrupt, f.name() + ": head counts " + std::to_string(c.n_head) + "/" +
                                               std::to_string(c.n_head_kv) + " do not divide embedding length " +
                                               std::to_string(c.n_embd));
  c.head_dim = c.n_embd / c.n_head;
  if (f.find(p + "attention.key_length")) {
    ONBOARD_ASSIGN_OR_RETURN(c.head_dim, positive(f, p + "attention.key_length"));
  }
  c.rope_dim = c.head_dim;
  if (f.find(p + "rope.dimension_count")) {
    ONBOARD_ASSIGN_OR_RETURN(c.rope_dim, positive(f, p + "rope.dimension_count"));
  }
  if (c.rope_dim > c.head_dim || c.rope_dim % 2)
    return make_error(ErrorCode::kCorrupt, f.name() + ": rope.dimension_count " + std::to_string(c.rope_dim) + " does not fit head size " + std::to_string(c.head_dim));

  const gguf::TensorInfo* embd = f.find_tensor("token_embd.weight");
  if (!embd) return make_error(ErrorCode::kCorrupt, f.name() + ": tensor 'token_embd.weight' is missing");
  c.n_vocab = embd->ne[1];
  c.tied_output = f.find_tensor("output.weight") == nullptr;

  if (c.arch == "qwen2") {
    c.rope_layout = RopeLayout::kHalfSplit;
    c.qkv_bias = true;
  } else {  // llama: the converter permuted q/k so that adjacent pairs rotate together
    c.rope_layout = RopeLayout::kInterleaved;
    c.has_rope_freqs = f.find_tensor("rope_freqs.weight") != nullptr;
  }

  auto opt_float = [&](const char* key, float& out) {
    if (auto v = f.get_float(key); v.ok()) out = static_cast<float>(*v);
  };
  opt_float("general.sampling.temp", c.sampling_temp);
  opt_float("general.sampling.top_p", c.sampling_top_p);
  opt_float("general.sampling.min_p", c.sampling_min_p);
  if (auto v = f.get_int("general.sampling.top_k"); v.ok()) c.sampling_top_k = static_cast<int32_t>(*v);
  return c;
}

}  // namespace onboard::model
