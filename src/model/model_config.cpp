#include "model/model_config.h"

#include <cmath>

namespace onboard::model {

bool is_supported_arch(const std::string& arch) { return arch == "qwen2" || arch == "llama" || arch == "deepseek2"; }

namespace {

Expected<int64_t> positive(const gguf::GgufFile& f, const std::string& key) {
  ONBOARD_ASSIGN_OR_RETURN(uint64_t v, f.get_uint(key));
  if (v == 0 || v > (uint64_t{1} << 31))
    return make_error(ErrorCode::kCorrupt, f.name() + ": metadata key '" + key + "' has implausible value " + std::to_string(v));
  return static_cast<int64_t>(v);
}

// The deepseek2 keys (reference §6.4). MLA GGUFs store key_length = kv_lora + rope (the
// latent cache row); the per-head q/k size is key_length_mla, or key_length in legacy files.
Status read_deepseek2(const gguf::GgufFile& f, const std::string& p, ModelConfig& c) {
  auto opt_uint = [&](const std::string& key, int64_t& out) -> Status {
    if (f.find(key)) {
      ONBOARD_ASSIGN_OR_RETURN(out, positive(f, key));
    }
    return Status::Ok();
  };
  auto opt_float = [&](const std::string& key, float& out) -> Status {
    if (f.find(key)) {
      ONBOARD_ASSIGN_OR_RETURN(double v, f.get_float(key));
      out = static_cast<float>(v);
    }
    return Status::Ok();
  };
  c.rope_layout = RopeLayout::kInterleaved;
  // No q-LoRA is decided by the key (or the plain attn_q tensor), never by the layer count.
  ONBOARD_TRY(opt_uint(p + "attention.q_lora_rank", c.q_lora_rank));
  if (f.find_tensor("blk.0.attn_q.weight")) c.q_lora_rank = 0;
  ONBOARD_ASSIGN_OR_RETURN(c.kv_lora_rank, positive(f, p + "attention.kv_lora_rank"));
  ONBOARD_ASSIGN_OR_RETURN(c.rope_dim, positive(f, p + "rope.dimension_count"));
  const bool mla = f.find(p + "attention.key_length_mla") != nullptr;
  ONBOARD_ASSIGN_OR_RETURN(c.head_dim, positive(f, p + (mla ? "attention.key_length_mla" : "attention.key_length")));
  ONBOARD_ASSIGN_OR_RETURN(c.v_head_dim, positive(f, p + (mla ? "attention.value_length_mla" : "attention.value_length")));
  if (c.rope_dim % 2 || c.rope_dim >= c.head_dim)
    return make_error(ErrorCode::kCorrupt, f.name() + ": rope.dimension_count " + std::to_string(c.rope_dim) +
                                               " does not fit the MLA head size " + std::to_string(c.head_dim));
  c.qk_nope_dim = c.head_dim - c.rope_dim;
  ONBOARD_TRY(opt_uint(p + "leading_dense_block_count", c.n_dense_lead));
  if (f.find(p + "expert_count")) {
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert, positive(f, p + "expert_count"));
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert_used, positive(f, p + "expert_used_count"));
    ONBOARD_ASSIGN_OR_RETURN(c.n_ff_expert, positive(f, p + "expert_feed_forward_length"));
    ONBOARD_TRY(opt_uint(p + "expert_shared_count", c.n_expert_shared));
    ONBOARD_TRY(opt_uint(p + "expert_group_count", c.n_expert_group));
    ONBOARD_TRY(opt_uint(p + "expert_group_used_count", c.n_expert_group_used));
    ONBOARD_TRY(opt_float(p + "expert_weights_scale", c.expert_weights_scale));
    if (f.find(p + "expert_weights_norm")) {
      ONBOARD_ASSIGN_OR_RETURN(c.expert_weights_norm, f.get_bool(p + "expert_weights_norm"));
    }
    int64_t gating = 1;  // absent in V2 GGUFs: softmax
    ONBOARD_TRY(opt_uint(p + "expert_gating_func", gating));
    if (gating != 1 && gating != 2)
      return make_error(ErrorCode::kUnsupported, f.name() + ": expert_gating_func " + std::to_string(gating) +
                                                     " (1 softmax and 2 sigmoid are supported)");
    c.expert_gating = static_cast<ModelConfig::Gating>(gating);
    if (c.n_expert_used > c.n_expert || c.n_expert % c.n_expert_group != 0 ||
        c.n_expert_group_used > c.n_expert_group ||
        c.n_expert_used > c.n_expert_group_used * (c.n_expert / c.n_expert_group))
      return make_error(ErrorCode::kCorrupt, f.name() + ": expert counts do not fit: " + std::to_string(c.n_expert_used) +
                                                 " of " + std::to_string(c.n_expert) + " experts, " +
                                                 std::to_string(c.n_expert_group_used) + " of " +
                                                 std::to_string(c.n_expert_group) + " groups");
  }
  if (auto type = f.get_string(p + "rope.scaling.type"); type.ok() && *type == "yarn") {
    ONBOARD_ASSIGN_OR_RETURN(double factor, f.get_float(p + "rope.scaling.factor"));
    c.yarn_factor = static_cast<float>(factor);
    ONBOARD_ASSIGN_OR_RETURN(c.yarn_orig_ctx, positive(f, p + "rope.scaling.original_context_length"));
    ONBOARD_TRY(opt_float(p + "rope.scaling.yarn_beta_fast", c.yarn_beta_fast));
    ONBOARD_TRY(opt_float(p + "rope.scaling.yarn_beta_slow", c.yarn_beta_slow));
    float log_mul = 0;
    ONBOARD_TRY(opt_float(p + "rope.scaling.yarn_log_multiplier", log_mul));
    c.yarn_mscale_all_dim = log_mul / 0.1f;  // the converter stores 0.1 * mscale_all_dim
  }
  // MTP modules (§4.6) are counted in block_count and stored after the main layers.
  if (f.find(p + "nextn_predict_layers")) {
    ONBOARD_ASSIGN_OR_RETURN(uint64_t nextn, f.get_uint(p + "nextn_predict_layers"));
    if (nextn >= static_cast<uint64_t>(c.n_layer))
      return make_error(ErrorCode::kCorrupt, f.name() + ": nextn_predict_layers " + std::to_string(nextn) +
                                                 " leaves no main layer of block_count " + std::to_string(c.n_layer));
    c.n_nextn = static_cast<int64_t>(nextn);
    c.n_layer -= c.n_nextn;
  }
  return Status::Ok();
}

}  // namespace

int64_t kv_values_per_token(const ModelConfig& c) {
  if (c.kv_lora_rank > 0) return c.n_layer * (c.kv_lora_rank + c.rope_dim);
  return 2 * c.n_layer * c.n_head_kv * c.head_dim;
}

int64_t mha_kv_values_per_token(const ModelConfig& c) {
  if (c.kv_lora_rank > 0) return c.n_layer * c.n_head * (c.head_dim + c.v_head_dim);
  return 2 * c.n_layer * c.n_head * c.head_dim;
}

Expected<ModelConfig> read_config(const gguf::GgufFile& f) {
  ModelConfig c;
  ONBOARD_ASSIGN_OR_RETURN(std::string_view arch, f.get_string("general.architecture"));
  c.arch = std::string(arch);
  if (!is_supported_arch(c.arch))
    return make_error(ErrorCode::kUnsupported, f.name() + ": unknown architecture '" + c.arch +
                                                   "' (general.architecture); this build runs qwen2, llama, deepseek2");
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
  } else if (c.arch == "deepseek2") {
    ONBOARD_TRY(read_deepseek2(f, p, c));
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
