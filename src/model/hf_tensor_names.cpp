#include "model/hf_tensor_names.h"

#include <charconv>

namespace onboard::model {
namespace {

struct NamePair {
  std::string_view gguf, hf;
};

constexpr NamePair kGlobal[] = {
    {"token_embd.weight", "model.embed_tokens.weight"},
    {"output_norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};

// Inside blk.<i>. / model.layers.<i>.
constexpr NamePair kLayer[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},
    {"attn_k.weight", "self_attn.k_proj.weight"},
    {"attn_v.weight", "self_attn.v_proj.weight"},
    {"attn_q.bias", "self_attn.q_proj.bias"},
    {"attn_k.bias", "self_attn.k_proj.bias"},
    {"attn_v.bias", "self_attn.v_proj.bias"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"attn_q_a.weight", "self_attn.q_a_proj.weight"},
    {"attn_q_a_norm.weight", "self_attn.q_a_layernorm.weight"},
    {"attn_q_b.weight", "self_attn.q_b_proj.weight"},
    {"attn_kv_a_mqa.weight", "self_attn.kv_a_proj_with_mqa.weight"},
    {"attn_kv_a_norm.weight", "self_attn.kv_a_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
    {"ffn_gate_inp.weight", "mlp.gate.weight"},
    {"exp_probs_b.bias", "mlp.gate.e_score_correction_bias"},
    {"ffn_gate_shexp.weight", "mlp.shared_experts.gate_proj.weight"},
    {"ffn_up_shexp.weight", "mlp.shared_experts.up_proj.weight"},
    {"ffn_down_shexp.weight", "mlp.shared_experts.down_proj.weight"},
};

bool split_prefixed(std::string_view name, std::string_view prefix, int64_t& layer, std::string_view& rest) {
  if (name.substr(0, prefix.size()) != prefix) return false;
  name.remove_prefix(prefix.size());
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  auto [end, ec] = std::from_chars(name.data(), name.data() + dot, layer);
  if (ec != std::errc() || end != name.data() + dot || layer < 0) return false;
  rest = name.substr(dot + 1);
  return true;
}

}  // namespace

bool split_hf_layer_name(std::string_view hf_name, int64_t& layer, std::string_view& rest) {
  return split_prefixed(hf_name, "model.layers.", layer, rest);
}

std::string gguf_name_from_hf(std::string_view hf) {
  for (const auto& p : kGlobal)
    if (p.hf == hf) return std::string(p.gguf);
  int64_t layer = 0;
  std::string_view rest;
  if (!split_hf_layer_name(hf, layer, rest)) return "";
  for (const auto& p : kLayer)
    if (p.hf == rest) return "blk." + std::to_string(layer) + "." + std::string(p.gguf);
  return "";
}

std::string hf_name_from_gguf(std::string_view gguf) {
  for (const auto& p : kGlobal)
    if (p.gguf == gguf) return std::string(p.hf);
  int64_t layer = 0;
  std::string_view rest;
  if (!split_prefixed(gguf, "blk.", layer, rest)) return "";
  for (const auto& p : kLayer)
    if (p.gguf == rest) return "model.layers." + std::to_string(layer) + "." + std::string(p.hf);
  return "";
}

}  // namespace onboard::model
