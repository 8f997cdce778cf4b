#include "model/hf_config.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "model/synth_presets.h"

namespace onboard::model {
namespace {

using json = nlohmann::json;

// Typed access to config.json with errors naming the file and key.
class ConfigReader {
 public:
  ConfigReader(const json& j, const std::string& path) : j_(j), path_(path) {}

  bool has(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }
  Expected<int64_t> integer(const char* key) const {
    if (!has(key)) return missing(key);
    if (!j_[key].is_number_integer() || j_[key].get<int64_t>() < 0 || j_[key].get<int64_t>() > (int64_t{1} << 31))
      return bad(key, "a non-negative integer");
    return j_[key].get<int64_t>();
  }
  Expected<int64_t> positive(const char* key) const {
    ONBOARD_ASSIGN_OR_RETURN(int64_t v, integer(key));
    if (v == 0) return bad(key, "a positive integer");
    return v;
  }
  Expected<int64_t> integer_or(const char* key, int64_t fallback) const { return has(key) ? integer(key) : fallback; }
  Expected<double> number(const char* key) const {
    if (!has(key)) return missing(key);
    if (!j_[key].is_number()) return bad(key, "a number");
    return j_[key].get<double>();
  }
  Expected<double> number_or(const char* key, double fallback) const { return has(key) ? number(key) : fallback; }
  Expected<bool> boolean_or(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_boolean()) return bad(key, "true or false");
    return j_[key].get<bool>();
  }
  Expected<std::string> string_or(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_string()) return bad(key, "a string");
    return j_[key].get<std::string>();
  }
  Error unsupported(const std::string& what) const { return Error{ErrorCode::kUnsupported, path_ + ": " + what}; }

 private:
  Error missing(const char* key) const { return Error{ErrorCode::kCorrupt, path_ + ": key '" + key + "' is missing"}; }
  Error bad(const char* key, const char* want) const {
    return Error{ErrorCode::kCorrupt, path_ + ": key '" + std::string(key) + "' is " + j_[key].dump() + ", expected " + want};
  }
  const json& j_;
  const std::string& path_;
};

Status read_llama3_rope(const ConfigReader& rs, HfConfig& out) {
  ModelConfig& c = out.config;
  SynthPreset p;  // llama3_rope_freqs() is written against the preset fields
  p.head_dim = c.rope_dim;
  p.rope_theta = c.rope_theta;
  ONBOARD_ASSIGN_OR_RETURN(double factor, rs.number("factor"));
  ONBOARD_ASSIGN_OR_RETURN(double low, rs.number_or("low_freq_factor", 1.0));
  ONBOARD_ASSIGN_OR_RETURN(double high, rs.number_or("high_freq_factor", 4.0));
  ONBOARD_ASSIGN_OR_RETURN(p.rope_orig_ctx, rs.positive("original_max_position_embeddings"));
  if (!(high > low) || !(factor > 0)) return rs.unsupported("rope_scaling llama3 needs high_freq_factor > low_freq_factor and factor > 0");
  p.rope_scale_factor = static_cast<float>(factor);
  p.rope_low_freq_factor = static_cast<float>(low);
  p.rope_high_freq_factor = static_cast<float>(high);
  out.rope_freqs = llama3_rope_freqs(p);
  c.has_rope_freqs = true;
  return Status::Ok();
}

Status read_deepseek(const ConfigReader& r, const json& j, const std::string& path, HfConfig& out) {
  ModelConfig& c = out.config;
  c.rope_layout = RopeLayout::kInterleaved;
  ONBOARD_ASSIGN_OR_RETURN(c.q_lora_rank, r.integer_or("q_lora_rank", 0));  // null: V2-Lite's plain q_proj
  ONBOARD_ASSIGN_OR_RETURN(c.kv_lora_rank, r.positive("kv_lora_rank"));
  ONBOARD_ASSIGN_OR_RETURN(c.qk_nope_dim, r.positive("qk_nope_head_dim"));
  ONBOARD_ASSIGN_OR_RETURN(c.rope_dim, r.positive("qk_rope_head_dim"));
  ONBOARD_ASSIGN_OR_RETURN(c.v_head_dim, r.positive("v_head_dim"));
  c.head_dim = c.qk_nope_dim + c.rope_dim;
  c.n_head_kv = 1;  // the latent cache is one shared "head" (an MLA GGUF's head_count_kv)
  ONBOARD_ASSIGN_OR_RETURN(c.n_expert, r.integer_or("n_routed_experts", 0));
  if (c.n_expert > 0) {
    ONBOARD_ASSIGN_OR_RETURN(c.n_dense_lead, r.integer_or("first_k_dense_replace", 0));
    ONBOARD_ASSIGN_OR_RETURN(int64_t freq, r.integer_or("moe_layer_freq", 1));
    if (freq != 1) return r.unsupported("moe_layer_freq " + std::to_string(freq) + " (only 1, as in every DeepSeek config)");
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert_used, r.positive("num_experts_per_tok"));
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert_shared, r.integer_or("n_shared_experts", 0));
    ONBOARD_ASSIGN_OR_RETURN(c.n_ff_expert, r.positive("moe_intermediate_size"));
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert_group, r.integer_or("n_group", 1));
    ONBOARD_ASSIGN_OR_RETURN(c.n_expert_group_used, r.integer_or("topk_group", 1));
    if (c.n_expert_group == 0 || c.n_expert_group_used == 0) return r.unsupported("n_group and topk_group must be positive");
    ONBOARD_ASSIGN_OR_RETURN(double scale, r.number_or("routed_scaling_factor", 1.0));
    c.expert_weights_scale = static_cast<float>(scale);
    ONBOARD_ASSIGN_OR_RETURN(c.expert_weights_norm, r.boolean_or("norm_topk_prob", false));
    ONBOARD_ASSIGN_OR_RETURN(std::string scoring, r.string_or("scoring_func", "softmax"));
    ONBOARD_ASSIGN_OR_RETURN(std::string method, r.string_or("topk_method", "greedy"));
    // The router's group rule follows the scoring (moe_router.h): sigmoid is V3's noaux_tc,
    // softmax is V2's greedy / group_limited_greedy.
    if (scoring == "sigmoid" && method == "noaux_tc") {
      c.expert_gating = ModelConfig::Gating::kSigmoid;
    } else if (scoring == "softmax" && (method == "greedy" || method == "group_limited_greedy")) {
      c.expert_gating = ModelConfig::Gating::kSoftmax;
    } else {
      return r.unsupported("scoring_func '" + scoring + "' with topk_method '" + method +
                           "' (supported: sigmoid + noaux_tc, softmax + greedy or group_limited_greedy)");
    }
    if (c.n_expert_used > c.n_expert || c.n_expert % c.n_expert_group != 0 || c.n_expert_group_used > c.n_expert_group)
      return r.unsupported("expert counts do not fit: " + std::to_string(c.n_expert_used) + " of " +
                           std::to_string(c.n_expert) + " experts in " + std::to_string(c.n_expert_group) + " groups");
  }
  ONBOARD_ASSIGN_OR_RETURN(out.n_nextn_layers, r.integer_or("num_nextn_predict_layers", 0));
  if (r.has("rope_scaling")) {
    const json& rsj = j["rope_scaling"];
    if (!rsj.is_object()) return r.unsupported("rope_scaling is not an object");
    ConfigReader rs(rsj, path);
    ONBOARD_ASSIGN_OR_RETURN(std::string type, rs.string_or("type", ""));
    if (type.empty()) {
      ONBOARD_ASSIGN_OR_RETURN(type, rs.string_or("rope_type", ""));
    }
    if (type != "yarn") return r.unsupported("rope_scaling type '" + type + "' for DeepSeek (only yarn)");
    ONBOARD_ASSIGN_OR_RETURN(double factor, rs.number("factor"));
    ONBOARD_ASSIGN_OR_RETURN(c.yarn_orig_ctx, rs.positive("original_max_position_embeddings"));
    ONBOARD_ASSIGN_OR_RETURN(double beta_fast, rs.number_or("beta_fast", 32));
    ONBOARD_ASSIGN_OR_RETURN(double beta_slow, rs.number_or("beta_slow", 1));
    ONBOARD_ASSIGN_OR_RETURN(double mscale, rs.number_or("mscale", 1));
    ONBOARD_ASSIGN_OR_RETURN(double mscale_all, rs.number_or("mscale_all_dim", 0));
    // §4.4: cos/sin carry get_mscale(mscale) / get_mscale(mscale_all_dim), which the engine
    // takes to be 1 (true of every DeepSeek config).
    if (mscale != mscale_all) return r.unsupported("rope_scaling mscale differs from mscale_all_dim");
    c.yarn_factor = static_cast<float>(factor);
    c.yarn_beta_fast = static_cast<float>(beta_fast);
    c.yarn_beta_slow = static_cast<float>(beta_slow);
    // As the GGUF round trip stores it (0.1 * mscale_all_dim, read back / 0.1), so both
    // formats give the same float.
    c.yarn_mscale_all_dim = static_cast<float>(0.1 * mscale_all) / 0.1f;
  }
  return Status::Ok();
}

// The shortest decimal that reads back as the same float (1e-06, not 9.99999997e-07).
double shortest(float f) {
  for (int digits = 6; digits < 10; ++digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(f));
    const double d = std::strtod(buf, nullptr);
    if (static_cast<float>(d) == f) return d;
  }
  return f;
}

}  // namespace

Expected<HfConfig> parse_hf_config(const std::string& text, const std::string& path) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error(ErrorCode::kCorrupt, path + ": not a valid JSON object");
  ConfigReader r(j, path);
  HfConfig out;
  ModelConfig& c = out.config;
  std::string hf_arch;
  if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
      j["architectures"][0].is_string())
    hf_arch = j["architectures"][0].get<std::string>();
  if (hf_arch == "Qwen2ForCausalLM") c.arch = "qwen2";
  else if (hf_arch == "LlamaForCausalLM") c.arch = "llama";
  else if (hf_arch == "DeepseekV2ForCausalLM" || hf_arch == "DeepseekV3ForCausalLM") c.arch = "deepseek2";
  else
    return make_error(ErrorCode::kUnsupported, path + ": architectures '" + hf_arch +
                                                   "' is not one of Qwen2ForCausalLM, LlamaForCausalLM, "
                                                   "DeepseekV2ForCausalLM, DeepseekV3ForCausalLM");
  ONBOARD_ASSIGN_OR_RETURN(c.name, r.string_or("_name_or_path", ""));
  ONBOARD_ASSIGN_OR_RETURN(c.n_layer, r.positive("num_hidden_layers"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_embd, r.positive("hidden_size"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_ff, r.positive("intermediate_size"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_head, r.positive("num_attention_heads"));
  ONBOARD_ASSIGN_OR_RETURN(c.n_head_kv, r.integer_or("num_key_value_heads", c.n_head));
  ONBOARD_ASSIGN_OR_RETURN(c.n_ctx_train, r.positive("max_position_embeddings"));
  ONBOARD_ASSIGN_OR_RETURN(out.n_vocab, r.positive("vocab_size"));
  ONBOARD_ASSIGN_OR_RETURN(double eps, r.number("rms_norm_eps"));
  c.rms_eps = static_cast<float>(eps);
  ONBOARD_ASSIGN_OR_RETURN(double theta, r.number_or("rope_theta", 10000.0));
  c.rope_theta = static_cast<float>(theta);
  ONBOARD_ASSIGN_OR_RETURN(c.tied_output, r.boolean_or("tie_word_embeddings", false));
  c.n_vocab = out.n_vocab;
  if (c.arch == "deepseek2") {
    ONBOARD_TRY(read_deepseek(r, j, path, out));
    return out;
  }
  if (c.n_head_kv == 0 || c.n_embd % c.n_head != 0 || c.n_head % c.n_head_kv != 0)
    return make_error(ErrorCode::kCorrupt, path + ": num_attention_heads " + std::to_string(c.n_head) + " / num_key_value_heads " +
                                               std::to_string(c.n_head_kv) + " do not divide hidden_size " + std::to_string(c.n_embd));
  ONBOARD_ASSIGN_OR_RETURN(c.head_dim, r.integer_or("head_dim", c.n_embd / c.n_head));
  c.rope_dim = c.head_dim;
  if (c.arch == "qwen2") {
    c.rope_layout = RopeLayout::kHalfSplit;
    c.qkv_bias = true;
  } else {
    // The loader permutes q/k rows as llama.cpp's converter does, so pairs are adjacent.
    c.rope_layout = RopeLayout::kInterleaved;
    ONBOARD_ASSIGN_OR_RETURN(bool bias, r.boolean_or("attention_bias", false));
    if (bias) return r.unsupported("attention_bias true for llama");
  }
  if (r.has("rope_scaling")) {
    const json& rsj = j["rope_scaling"];
    if (!rsj.is_object()) return r.unsupported("rope_scaling is not an object");
    ConfigReader rs(rsj, path);
    ONBOARD_ASSIGN_OR_RETURN(std::string type, rs.string_or("rope_type", ""));
    if (type.empty()) {
      ONBOARD_ASSIGN_OR_RETURN(type, rs.string_or("type", ""));
    }
    if (c.arch != "llama" || type != "llama3")
      return r.unsupported("rope_scaling type '" + type + "' for " + hf_arch + " (supported: llama3 for Llama)");
    ONBOARD_TRY(read_llama3_rope(rs, out));
  }
  return out;
}

void add_gguf_config_keys(gguf::GgufWriter& w, const ModelConfig& c) {
  const std::string p = c.arch + ".";
  auto u32 = [&](const std::string& k, int64_t v) { w.add_u32(p + k, static_cast<uint32_t>(v)); };
  w.add_string("general.architecture", c.arch);
  if (!c.name.empty()) w.add_string("general.name", c.name);
  u32("block_count", c.n_layer);
  u32("context_length", c.n_ctx_train);
  u32("embedding_length", c.n_embd);
  u32("feed_forward_length", c.n_ff);
  u32("attention.head_count", c.n_head);
  u32("attention.head_count_kv", c.n_head_kv);
  u32("vocab_size", c.n_vocab);
  w.add_f32(p + "rope.freq_base", c.rope_theta);
  w.add_f32(p + "attention.layer_norm_rms_epsilon", c.rms_eps);
  u32("rope.dimension_count", c.rope_dim);
  if (c.arch != "deepseek2") {
    if (c.head_dim != c.n_embd / c.n_head) u32("attention.key_length", c.head_dim);
    return;
  }
  if (c.q_lora_rank > 0) u32("attention.q_lora_rank", c.q_lora_rank);
  u32("attention.kv_lora_rank", c.kv_lora_rank);
  u32("attention.key_length", c.kv_lora_rank + c.rope_dim);
  u32("attention.value_length", c.kv_lora_rank);
  u32("attention.key_length_mla", c.head_dim);
  u32("attention.value_length_mla", c.v_head_dim);
  if (c.n_expert > 0) {
    u32("leading_dense_block_count", c.n_dense_lead);
    u32("expert_feed_forward_length", c.n_ff_expert);
    u32("expert_count", c.n_expert);
    u32("expert_used_count", c.n_expert_used);
    u32("expert_shared_count", c.n_expert_shared);
    u32("expert_group_count", c.n_expert_group);
    u32("expert_group_used_count", c.n_expert_group_used);
    w.add_f32(p + "expert_weights_scale", c.expert_weights_scale);
    w.add_bool(p + "expert_weights_norm", c.expert_weights_norm);
    u32("expert_gating_func", static_cast<int64_t>(c.expert_gating));
  }
  if (c.yarn_factor > 0) {
    w.add_string(p + "rope.scaling.type", "yarn");
    w.add_f32(p + "rope.scaling.factor", c.yarn_factor);
    u32("rope.scaling.original_context_length", c.yarn_orig_ctx);
    w.add_f32(p + "rope.scaling.yarn_log_multiplier", 0.1f * c.yarn_mscale_all_dim);
    w.add_f32(p + "rope.scaling.yarn_beta_fast", c.yarn_beta_fast);
    w.add_f32(p + "rope.scaling.yarn_beta_slow", c.yarn_beta_slow);
  }
}

Expected<json> hf_config_json(const ModelConfig& c, int64_t n_vocab, const json& rope_scaling) {
  json j;
  j["hidden_act"] = "silu";
  j["hidden_size"] = c.n_embd;
  j["intermediate_size"] = c.n_ff;
  j["num_hidden_layers"] = c.n_layer;
  j["num_attention_heads"] = c.n_head;
  j["max_position_embeddings"] = c.n_ctx_train;
  j["rms_norm_eps"] = shortest(c.rms_eps);
  j["rope_theta"] = shortest(c.rope_theta);
  j["tie_word_embeddings"] = c.tied_output;
  j["vocab_size"] = n_vocab;
  j["torch_dtype"] = "bfloat16";
  if (!c.name.empty()) j["_name_or_path"] = c.name;
  if (c.arch == "qwen2" || c.arch == "llama") {
    j["architectures"] = {c.arch == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"};
    j["model_type"] = c.arch;
    j["num_key_value_heads"] = c.n_head_kv;
    if (c.head_dim != c.n_embd / c.n_head) j["head_dim"] = c.head_dim;
    if (c.has_rope_freqs) {
      if (!rope_scaling.is_object())
        return make_error(ErrorCode::kInvalidArgument,
                          "llama3 rope_scaling cannot be recovered from rope_freqs.weight; pass it with the config");
      j["rope_scaling"] = rope_scaling;
    }
    return j;
  }
  if (c.arch != "deepseek2") return make_error(ErrorCode::kUnsupported, "no Hugging Face config for architecture '" + c.arch + "'");
  const bool v3 = c.expert_gating == ModelConfig::Gating::kSigmoid;
  j["architectures"] = {v3 ? "DeepseekV3ForCausalLM" : "DeepseekV2ForCausalLM"};
  j["model_type"] = v3 ? "deepseek_v3" : "deepseek_v2";
  j["num_key_value_heads"] = c.n_head;
  j["q_lora_rank"] = c.q_lora_rank > 0 ? json(c.q_lora_rank) : json(nullptr);
  j["kv_lora_rank"] = c.kv_lora_rank;
  j["qk_nope_head_dim"] = c.qk_nope_dim;
  j["qk_rope_head_dim"] = c.rope_dim;
  j["v_head_dim"] = c.v_head_dim;
  j["num_nextn_predict_layers"] = 0;
  if (c.n_expert > 0) {
    j["n_routed_experts"] = c.n_expert;
    j["num_experts_per_tok"] = c.n_expert_used;
    j["n_shared_experts"] = c.n_expert_shared;
    j["moe_intermediate_size"] = c.n_ff_expert;
    j["first_k_dense_replace"] = c.n_dense_lead;
    j["moe_layer_freq"] = 1;
    j["n_group"] = c.n_expert_group;
    j["topk_group"] = c.n_expert_group_used;
    j["routed_scaling_factor"] = shortest(c.expert_weights_scale);
    j["norm_topk_prob"] = c.expert_weights_norm;
    j["scoring_func"] = v3 ? "sigmoid" : "softmax";
    j["topk_method"] = v3 ? "noaux_tc" : (c.n_expert_group > 1 ? "group_limited_greedy" : "greedy");
  }
  if (c.yarn_factor > 0) {
    j["rope_scaling"] = {{"type", "yarn"},
                         {"factor", shortest(c.yarn_factor)},
                         {"original_max_position_embeddings", c.yarn_orig_ctx},
                         {"beta_fast", shortest(c.yarn_beta_fast)},
                         {"beta_slow", shortest(c.yarn_beta_slow)},
                         {"mscale", shortest(c.yarn_mscale_all_dim)},
                         {"mscale_all_dim", shortest(c.yarn_mscale_all_dim)}};
  }
  return j;
}

}  // namespace onboard::model
