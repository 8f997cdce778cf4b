// One conversation with a loaded model: the planned ForwardState (KV cache and buffers),
// a sampler, and the position reached. prefill() feeds prompt tokens in batches;
// generate() samples one token at a time and reports each through a callback.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/thread_pool.h"
#include "model/model.h"
#include "runtime/grammar/token_constraint.h"
#include "runtime/sampler.h"
#include "text/tokenizer.h"

namespace onboard::runtime {

struct SessionOptions {
  model::StateOptions state;
  SamplerParams sampling;
};

enum class StopReason { kEos, kLength, kCallback, kCancelled };

struct GenerateResult {
  std::vector<int32_t> tokens;
  StopReason stop = StopReason::kLength;
  double prompt_seconds = 0, generate_seconds = 0;
  int64_t prompt_tokens = 0;
};

// Called with each generated token and the logits it was drawn from; false stops.
using TokenCallback = std::function<bool(int32_t token, const float* logits)>;

class Session {
 public:
  static Expected<std::unique_ptr<Session>> create(const model::Model& model, const text::Tokenizer& tokenizer,
                                                   const SessionOptions& options, ThreadPool& pool);

  // Appends tokens to the context. Logits of the last one (or of all, with all_logits) are
  // then in state().logits(i).
  Status prefill(std::span<const int32_t> tokens);
  // Samples up to n_predict tokens (stops early at EOS / end-of-turn).
  Expected<GenerateResult> generate(int64_t n_predict, const TokenCallback& on_token,
                                    const std::atomic<bool>* cancel = nullptr);

  int64_t n_past() const { return n_past_; }
  const model::ForwardState& state() const { return *state_; }
  Sampler& sampler() { return sampler_; }
  // Constrains what generate() samples from now on to `grammar` (null: free again); EOS only
  // where the grammar's sentence is complete. Kept across generate() calls, restarted by reset().
  void set_grammar(std::shared_ptr<const grammar::Grammar> grammar);
  void reset();  // forget the context
  // Keeps the first n_keep positions of the context (a shared prompt prefix); later
  // positions are overwritten by the next prefill.
  Status rewind(int64_t n_keep);
  bool is_end_of_generation(int32_t token) const;

 private:
  Session(const model::Model& model, const text::Tokenizer& tokenizer, const SessionOptions& options, ThreadPool& pool,
          std::unique_ptr<model::ForwardState> state);

  const model::Model& model_;
  const text::Tokenizer& tokenizer_;
  SessionOptions options_;
  ThreadPool& pool_;
  std::unique_ptr<model::ForwardState> state_;
  Sampler sampler_;
  std::unique_ptr<grammar::TokenConstraint> constraint_;
  int64_t n_past_ = 0;
  double prompt_seconds_ = 0;
};

}  // namespace onboard::runtime
