#include "runtime/session.h"

#include <algorithm>
#include <chrono>

namespace onboard::runtime {
namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Session::Session(const model::Model& model, const text::Tokenizer& tokenizer, const SessionOptions& options,
                 ThreadPool& pool, std::unique_ptr<model::ForwardState> state)
    : model_(model),
      tokenizer_(tokenizer),
      options_(options),
      pool_(pool),
      state_(std::move(state)),
      sampler_(model.config().n_vocab, options.sampling) {}

Expected<std::unique_ptr<Session>> Session::create(const model::Model& model, const text::Tokenizer& tokenizer,
                                                   const SessionOptions& options, ThreadPool& pool) {
  SessionOptions o = options;
  o.state.n_threads = std::max(o.state.n_threads, pool.size());
  ONBOARD_ASSIGN_OR_RETURN(std::unique_ptr<model::ForwardState> state, model.new_state(o.state));
  return std::unique_ptr<Session>(new Session(model, tokenizer, o, pool, std::move(state)));
}

void Session::reset() {
  n_past_ = 0;
  sampler_.reset();
  if (constraint_) constraint_->reset();
}

void Session::set_grammar(std::shared_ptr<const grammar::Grammar> grammar) {
  if (!grammar) {
    constraint_.reset();
    return;
  }
  constraint_ = std::make_unique<grammar::TokenConstraint>(std::move(grammar), grammar::shared_vocab_trie(tokenizer_));
}

Status Session::rewind(int64_t n_keep) {
  if (n_keep < 0 || n_keep > n_past_)
    return make_error(ErrorCode::kInvalidArgument, "rewind to " + std::to_string(n_keep) + " of " + std::to_string(n_past_) + " positions");
  n_past_ = n_keep;
  return Status::Ok();
}

bool Session::is_end_of_generation(int32_t token) const {
  return token == tokenizer_.eos_id() || (tokenizer_.eot_id() >= 0 && token == tokenizer_.eot_id());
}

Status Session::prefill(std::span<const int32_t> tokens) {
  if (n_past_ + static_cast<int64_t>(tokens.size()) > state_->kv().n_ctx())
    return make_error(ErrorCode::kOutOfRange, "context full: the prompt needs " + std::to_string(n_past_ + tokens.size()) +
                                                  " tokens but the context (-c) holds " + std::to_string(state_->kv().n_ctx()));
  const double t0 = now();
  const int64_t nb = state_->options().n_batch;
  for (size_t i = 0; i < tokens.size(); i += nb) {
    const size_t n = std::min<size_t>(nb, tokens.size() - i);
    ONBOARD_TRY(model_.forward(*state_, tokens.subspan(i, n), n_past_, pool_));
    n_past_ += static_cast<int64_t>(n);
  }
  for (int32_t t : tokens) sampler_.accept(t);
  prompt_seconds_ = now() - t0;
  return Status::Ok();
}

Expected<GenerateResult> Session::generate(int64_t n_predict, const TokenCallback& on_token,
                                           const std::atomic<bool>* cancel) {
  GenerateResult r;
  r.prompt_seconds = prompt_seconds_;
  r.tokens.reserve(n_predict);
  const double t0 = now();
  if (n_past_ == 0) return make_error(ErrorCode::kInvalidArgument, "generate: no prompt was given");
  for (int64_t i = 0; i < n_predict; ++i) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      r.stop = StopReason::kCancelled;
      break;
    }
    const float* logits = state_->logits(state_->n_logits() - 1);
    const int32_t tok = constraint_ ? constraint_->sample(sampler_, logits) : sampler_.sample(logits);
    if (tok < 0) return make_error(ErrorCode::kInvalidArgument, "grammar: no token can continue the output here");
    if (constraint_ && !constraint_->accept_token(tok))
      return make_error(ErrorCode::kInternal, "grammar: sampled token " + std::to_string(tok) + " was not allowed");
    sampler_.accept(tok);
    r.tokens.push_back(tok);
    if (on_token && !on_token(tok, logits)) {
      r.stop = StopReason::kCallback;
      break;
    }
    if (is_end_of_generation(tok)) {
      r.stop = StopReason::kEos;
      break;
    }
    if (i + 1 == n_predict) break;  // the last token needs no forward pass
    if (n_past_ >= state_->kv().n_ctx())
      return make_error(ErrorCode::kOutOfRange, "context full after " + std::to_string(n_past_) + " tokens (-c " +
                                                    std::to_string(state_->kv().n_ctx()) + ")");
    ONBOARD_TRY(model_.forward(*state_, std::span<const int32_t>(&tok, 1), n_past_, pool_));
    ++n_past_;
  }
  r.generate_seconds = now() - t0;
  return r;
}

}  // namespace onboard::runtime
