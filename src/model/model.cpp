#include "model/model.h"

#include "model/deepseek2.h"
#include "kernels/matmul.h"
#include "kernels/rms_norm.h"
#include "model/gqa_decoder.h"

namespace onboard::model {

size_t ForwardState::bytes() const { return kv_.bytes() + logits_.size() * sizeof(float) + scratch_bytes_; }

Status Model::check_batch(const ForwardState& s, std::span<const int32_t> tokens, int64_t pos,
                          const ThreadPool& pool) const {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n > s.options().n_batch)
    return make_error(ErrorCode::kInvalidArgument, "forward: " + std::to_string(n) + " tokens exceed the batch size " +
                                                       std::to_string(s.options().n_batch));
  if (pos < 0 || pos + n > s.kv().n_ctx())
    return make_error(ErrorCode::kOutOfRange, "context full: " + std::to_string(pos + n) + " tokens do not fit the " +
                                                  std::to_string(s.kv().n_ctx()) + "-token context (-c)");
  if (pool.size() > s.options().n_threads)
    return make_error(ErrorCode::kInvalidArgument, "forward: state planned for " + std::to_string(s.options().n_threads) + " threads");
  for (int32_t id : tokens)
    if (id < 0 || id >= config_.n_vocab)
      return make_error(ErrorCode::kInvalidArgument, "token id " + std::to_string(id) + " is outside the vocabulary (" +
                                                         std::to_string(config_.n_vocab) + ")");
  return Status::Ok();
}

void Model::compute_logits(ForwardState& s, const Weight& output, const std::vector<float>& output_norm, const float* x,
                           float* xn, void* scratch, int64_t n, ThreadPool& pool) const {
  const int64_t E = config_.n_embd;
  const int64_t first = s.options().all_logits ? 0 : n - 1;
  const int64_t rows = n - first;
  for (int64_t t = first; t < n; ++t) kernels::rms_norm(x + t * E, output_norm.data(), xn + (t - first) * E, E, config_.rms_eps);
  kernels::matmul(output, xn, E, rows, s.logits_.data(), config_.n_vocab, scratch, pool);
  s.n_logits_ = rows;
}

Expected<std::unique_ptr<Model>> load_model(gguf::GgufFile file) {
  ONBOARD_ASSIGN_OR_RETURN(ModelConfig config, read_config(file));
  if (config.arch == "qwen2" || config.arch == "llama") return load_gqa_decoder(std::move(file), std::move(config));
  if (config.arch == "deepseek2") return load_deepseek2(std::move(file), std::move(config));
  return make_error(ErrorCode::kUnsupported, file.name() + ": unknown architecture '" + config.arch + "'");
}

}  // namespace onboard::model
