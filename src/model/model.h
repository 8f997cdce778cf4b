// A loaded model: immutable weights bound in place in the mapped file, plus a forward pass.
// Per-conversation state (KV cache, activation buffers) lives in a ForwardState planned
// once for a context size; forward() then allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/thread_pool.h"
#include "format/gguf.h"
#include "model/model_config.h"
#include "model/weight.h"
#include "runtime/kv_cache.h"

namespace onboard::model {

struct StateOptions {
  int64_t n_ctx = 4096;     // positions the KV cache holds
  int64_t n_batch = 256;    // most tokens one forward() call takes
  int n_threads = 1;        // most threads forward() is called with
  GgmlType kv_type = GgmlType::F32;
  bool all_logits = false;  // keep logits for every position of a call, not only the last
};

class ForwardState {
 public:
  virtual ~ForwardState() = default;
  const StateOptions& options() const { return options_; }
  // Logits of row i of the last forward() call (i < n_logits()).
  const float* logits(int64_t i) const { return logits_.data() + i * n_vocab_; }
  int64_t n_logits() const { return n_logits_; }
  int64_t n_vocab() const { return n_vocab_; }
  const runtime::KvCache& kv() const { return kv_; }
  size_t bytes() const;  // everything this state allocated

 protected:
  friend class Model;
  StateOptions options_;
  runtime::KvCache kv_;
  std::vector<float> logits_;
  int64_t n_vocab_ = 0;
  int64_t n_logits_ = 0;
  size_t scratch_bytes_ = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  const ModelConfig& config() const { return config_; }
  const gguf::GgufFile& file() const { return file_; }

  virtual Expected<std::unique_ptr<ForwardState>> new_state(const StateOptions& options) const = 0;
  // Runs `tokens` at positions pos, pos+1, ...; the KV cache must already hold 0..pos-1.
  // Afterwards state.logits(i) holds the logits of the last token, or of every token when
  // the state was made with all_logits.
  virtual Status forward(ForwardState& state, std::span<const int32_t> tokens, int64_t pos, ThreadPool& pool) const = 0;

 protected:
  Model(gguf::GgufFile file, ModelConfig config) : file_(std::move(file)), config_(std::move(config)) {}
  // What every forward() checks first: batch size, context room, thread count, token ids.
  Status check_batch(const ForwardState& state, std::span<const int32_t> tokens, int64_t pos, const ThreadPool& pool) const;
  // The head: RMSNorm(h; output_norm) then the output matrix, for the last of n hidden rows
  // or all of them (all_logits). xn and scratch are the state's work buffers.
  void compute_logits(ForwardState& state, const Weight& output, const std::vector<float>& output_norm, const float* x,
                      float* xn, void* scratch, int64_t n, ThreadPool& pool) const;
  gguf::GgufFile file_;
  ModelConfig config_;
};

// Reads the config, checks every tensor the architecture needs, binds the weights.
Expected<std::unique_ptr<Model>> load_model(gguf::GgufFile file);

}  // namespace onboard::model
