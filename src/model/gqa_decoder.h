// qwen2 and llama (DeepSeek-R1-Distill-Qwen / -Llama): the same pre-norm decoder with
// grouped-query attention and a SwiGLU MLP (reference §2-3). They differ only in what the
// config says: q/k/v biases (qwen2), the RoPE pair layout, and llama3 frequency factors.
#pragma once

#include "model/model.h"

namespace onboard::model {

Expected<std::unique_ptr<Model>> load_gqa_decoder(gguf::GgufFile file, ModelConfig config);

}  // namespace onboard::model
