#include "runtime/decode_traffic.h"

#include <string_view>

namespace onboard::runtime {

uint64_t decode_weight_bytes_per_token(const model::Model& model) {
  const model::ModelConfig& c = model.config();
  uint64_t bytes = 0;
  for (const gguf::TensorInfo& t : model.file().tensors()) {
    if (t.name == "token_embd.weight" && !c.tied_output) {
      bytes += t.rows() > 0 ? t.n_bytes / static_cast<uint64_t>(t.rows()) : 0;
    } else if (t.name.find("_exps.") != std::string_view::npos && c.n_expert > 0) {
      bytes += t.n_bytes * static_cast<uint64_t>(c.n_expert_used) / static_cast<uint64_t>(c.n_expert);
    } else {
      bytes += t.n_bytes;
    }
  }
  return bytes;
}

uint64_t weight_bytes(const model::Model& model) {
  uint64_t bytes = 0;
  for (const gguf::TensorInfo& t : model.file().tensors()) bytes += t.n_bytes;
  return bytes;
}

uint64_t parameter_count(const model::Model& model) {
  uint64_t n = 0;
  for (const gguf::TensorInfo& t : model.file().tensors()) n += static_cast<uint64_t>(t.n_elements());
  return n;
}

}  // namespace onboard::runtime
