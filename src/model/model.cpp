#include "model/model.h"

#include "model/deepseek2.h"
#include "model/gqa_decoder.h"

namespace onboard::model {

size_t ForwardState::bytes() const { return kv_.bytes() + logits_.size() * sizeof(float) + scratch_bytes_; }

Expected<std::unique_ptr<Model>> load_model(gguf::GgufFile file) {
  ONBOARD_ASSIGN_OR_RETURN(ModelConfig config, read_config(file));
  if (config.arch == "qwen2" || config.arch == "llama") return load_gqa_decoder(std::move(file), std::move(config));
  if (config.arch == "deepseek2") return load_deepseek2(std::move(file), std::move(config));
  return make_error(ErrorCode::kUnsupported, file.name() + ": unknown architecture '" + config.arch + "'");
}

}  // namespace onboard::model
