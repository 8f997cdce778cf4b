// deepseek2 (DeepSeek-V2 / V2-Lite / V2.5 / V3 / R1): pre-norm decoder with Multi-head Latent
// Attention and DeepSeekMoE (reference §4). Attention runs in the absorbed form over a latent
// KV cache: per token and layer only the normed latent c_kv and the roped k_pe are stored
// (kv_lora_rank + qk_rope values, 576 for V3). GGUFs with attn_k_b / attn_v_b are used in
// place; legacy ones with attn_kv_b get W_UV as views into it and W_UK^T built at load.
#pragma once

#include "model/model.h"

namespace onboard::model {

Expected<std::unique_ptr<Model>> load_deepseek2(gguf::GgufFile file, ModelConfig config);

}  // namespace onboard::model
