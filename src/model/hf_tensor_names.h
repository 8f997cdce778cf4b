// Hugging Face tensor names <-> the GGUF names the weight binders use (reference §6.5), for
// the tensors that map one to one. Per-expert tensors (stacked into ffn_*_exps), kv_b_proj
// (split into attn_k_b / attn_v_b) and llama's q/k (row order) are handled by their callers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onboard::model {

// "model.layers.3.self_attn.q_a_proj.weight" -> "blk.3.attn_q_a.weight"; "" if none.
std::string gguf_name_from_hf(std::string_view hf_name);
// The reverse; "" if none.
std::string hf_name_from_gguf(std::string_view gguf_name);

// "model.layers.<i>.<rest>" -> i and rest; false for other names.
bool split_hf_layer_name(std::string_view hf_name, int64_t& layer, std::string_view& rest);

}  // namespace onboard::model
