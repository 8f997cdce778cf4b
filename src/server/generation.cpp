#include "server/generation.h"

#include <algorithm>
#include <span>

namespace onboard::server {
namespace {

// Longest suffix of `s` that is a proper prefix of `stop`.
size_t stop_prefix_suffix(const std::string& s, const std::string& stop) {
  const size_t max = std::min(s.size(), stop.size() - 1);
  for (size_t n = max; n > 0; --n)
    if (s.compare(s.size() - n, n, stop, 0, n) == 0) return n;
  return 0;
}

}  // namespace

void Channel::push(ChoiceEvent e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
  }
  cv_.notify_all();
}

void Channel::pop_all(std::vector<ChoiceEvent>& out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !events_.empty(); });
  while (!events_.empty()) {
    out.push_back(std::move(events_.front()));
    events_.pop_front();
  }
}

ChoiceTask::ChoiceTask(ServedModel& model, std::shared_ptr<Channel> channel, int index, const GenerationParams& params,
                       Priority priority, Metrics* metrics, std::chrono::steady_clock::time_point arrival)
    : Sequence(priority),
      model_(model),
      channel_(std::move(channel)),
      index_(index),
      params_(params),
      metrics_(metrics),
      arrival_(arrival),
      last_token_(arrival),
      history_(params.prompt),
      sampler_(model.loaded().model->config().n_vocab, params.sampling),
      detok_(model.loaded().tokenizer, /*skip_special=*/false),
      parser_(OutputParserOptions{.starts_in_reasoning = params.starts_in_reasoning, .parse_tool_calls = params.parse_tool_calls}),
      in_reasoning_(params.starts_in_reasoning),
      saw_output_(params.starts_in_reasoning) {
  logprob_.top.reserve(static_cast<size_t>(std::max(params.top_logprobs, 0)));
  for (int32_t t : params_.prompt) sampler_.accept(t);  // penalties see the prompt, as Session does
  if (params_.grammar) {
    constraint_.emplace(params_.grammar, runtime::grammar::shared_vocab_trie(model.loaded().tokenizer));
    constraint_active_ = !params_.starts_in_reasoning && !params_.grammar_from_tool_calls;
  }
}

bool ChoiceTask::advance_constraint(const std::string& piece, bool was_in_reasoning) {
  if (in_reasoning_) return true;
  // Of this piece, the bytes of the answer: after "</think>" when it ends the reasoning here
  // (the first '>' of the piece that completes the tag closes it).
  std::string answer = piece;
  if (was_in_reasoning) {
    const size_t gt = piece.find('>');
    answer = gt == std::string::npos ? std::string() : piece.substr(gt + 1);
  }
  if (!params_.grammar_from_tool_calls) {
    constraint_active_ = true;
    return constraint_->accept_text(answer);
  }
  answer_tail_ += answer;
  const size_t at = answer_tail_.find(kToolCallsBegin);
  if (at == std::string::npos) {
    if (answer_tail_.size() > 256) answer_tail_.erase(0, answer_tail_.size() - kToolCallsBegin.size());
    return true;
  }
  constraint_active_ = true;
  return constraint_->accept_text(std::string_view(answer_tail_).substr(at));
}

void ChoiceTask::on_dropped() { end_unstarted("cancelled", ""); }

void ChoiceTask::on_expired(std::chrono::milliseconds waited) {
  end_unstarted("expired", std::string("the request could not start within the deadline of its class (") +
                               priority_name(priority()) + "): it waited " + std::to_string(waited.count()) +
                               " ms for a free slot");
}

void ChoiceTask::end_unstarted(const char* reason, std::string why) {
  if (finished_) return;
  finished_ = true;
  ChoiceEvent e;
  e.kind = ChoiceEvent::Kind::kFinish;
  e.index = index_;
  e.finish_reason = reason;
  e.text = std::move(why);
  e.completion_tokens = generated_;
  e.reasoning_tokens = reasoning_tokens_;
  e.cached_tokens = cached_tokens_.value_or(0);
  channel_->push(std::move(e));
}

void ChoiceTask::track_reasoning(const std::string& text) {
  think_tail_ += text;
  if (!saw_output_) {
    // Does the output open with "<think>"? Decide once enough bytes are there.
    const std::string_view open = kThinkOpen;
    const size_t n = std::min(think_tail_.size(), open.size());
    if (think_tail_.compare(0, n, open, 0, n) != 0) {
      saw_output_ = true;
    } else if (think_tail_.size() >= open.size()) {
      saw_output_ = true;
      in_reasoning_ = true;
      think_tail_.erase(0, open.size());
    }
  }
  if (saw_output_ && in_reasoning_ && think_tail_.find(kThinkClose) != std::string::npos) {
    in_reasoning_ = false;
    think_tail_.clear();
  }
  if (think_tail_.size() > 64) think_tail_.erase(0, think_tail_.size() - 16);
}

void ChoiceTask::push_event(ChoiceEvent e) {
  // A constrained choice's calls wait for the end: a truncated block yields none of them.
  if (constraint_ && e.kind == ChoiceEvent::Kind::kToolCall) held_calls_.push_back(std::move(e));
  else channel_->push(std::move(e));
}

void ChoiceTask::emit_logprob() {
  const text::Tokenizer& tok = model_.loaded().tokenizer;
  ChoiceEvent e;
  e.kind = ChoiceEvent::Kind::kLogprob;
  e.index = index_;
  e.logprob.chosen = {std::string(tok.token_piece(logprob_.token)), logprob_.logprob, logprob_.token};
  e.logprob.top.reserve(logprob_.top.size());
  for (const auto& [id, lp] : logprob_.top) e.logprob.top.push_back({std::string(tok.token_piece(id)), lp, id});
  channel_->push(std::move(e));
}

void ChoiceTask::emit_parsed(const std::string& text) {
  if (text.empty()) return;
  if (!params_.parse_output) {
    ChoiceEvent e;
    e.kind = ChoiceEvent::Kind::kContent;
    e.index = index_;
    e.text = text;
    channel_->push(std::move(e));
    return;
  }
  for (auto& ev : parser_.feed(text)) {
    ChoiceEvent e;
    e.index = index_;
    switch (ev.type) {
      case OutputEventType::kReasoning: e.kind = ChoiceEvent::Kind::kReasoning; e.text = std::move(ev.text); break;
      case OutputEventType::kContent: e.kind = ChoiceEvent::Kind::kContent; e.text = std::move(ev.text); break;
      case OutputEventType::kToolCall: e.kind = ChoiceEvent::Kind::kToolCall; e.tool_call = std::move(ev.tool_call); break;
      case OutputEventType::kMalformed: continue;  // never passed off as a call (see report)
    }
    push_event(std::move(e));
  }
}

bool ChoiceTask::emit_text(const std::string& text) {
  pending_ += text;
  if (constraint_active_) {
    // The grammar decides where constrained output ends: a stop sequence does not cut it.
    emit_parsed(pending_);
    pending_.clear();
    return false;
  }
  size_t best = std::string::npos;
  for (const auto& s : params_.stop) best = std::min(best, pending_.find(s));
  if (best != std::string::npos) {
    emit_parsed(pending_.substr(0, best));
    pending_.clear();
    return true;
  }
  size_t hold = 0;
  for (const auto& s : params_.stop) hold = std::max(hold, stop_prefix_suffix(pending_, s));
  const size_t n = pending_.size() - hold;
  emit_parsed(pending_.substr(0, n));
  pending_.erase(0, n);
  return false;
}

void ChoiceTask::finish(const std::string& reason, bool flush) {
  if (finished_) return;
  std::string final_reason = reason;
  if (flush) {
    const std::string rest = detok_.flush();
    if (emit_text(rest)) {
      final_reason = "stop";
    } else {
      emit_parsed(pending_);
      pending_.clear();
    }
  }
  if (params_.parse_output) {
    for (auto& ev : parser_.finish()) {
      ChoiceEvent e;
      e.index = index_;
      if (ev.type == OutputEventType::kReasoning) e.kind = ChoiceEvent::Kind::kReasoning;
      else if (ev.type == OutputEventType::kContent) e.kind = ChoiceEvent::Kind::kContent;
      else if (ev.type == OutputEventType::kToolCall) e.kind = ChoiceEvent::Kind::kToolCall;
      else continue;
      e.text = std::move(ev.text);
      e.tool_call = std::move(ev.tool_call);
      push_event(std::move(e));
    }
  }
  if (final_reason == "stop")
    for (auto& e : held_calls_) channel_->push(std::move(e));
  held_calls_.clear();
  finished_ = true;
  ChoiceEvent e;
  e.kind = ChoiceEvent::Kind::kFinish;
  e.index = index_;
  e.finish_reason = final_reason;
  e.completion_tokens = generated_;
  e.reasoning_tokens = reasoning_tokens_;
  e.cached_tokens = cached_tokens_.value_or(0);
  channel_->push(std::move(e));
}

void ChoiceTask::fail(const std::string& message) {
  if (finished_) return;
  finished_ = true;
  ChoiceEvent e;
  e.kind = ChoiceEvent::Kind::kError;
  e.index = index_;
  e.text = message;
  channel_->push(std::move(e));
}

int64_t ChoiceTask::slot_affinity(int slot) const {
  const SlotContents& held = model_.slot_contents();
  const int64_t reused = held.common_prefix(slot, history_), lost = held.size(slot) - reused;
  // Prefill saved now counts double the cached tokens overwritten (a guess at their future
  // use): an unrelated prompt sharing only the template's first tokens takes an empty slot
  // rather than overwrite a conversation.
  return 2 * reused - lost;
}

void ChoiceTask::take_slot(int slot, runtime::Session& s) {
  SlotContents& held = model_.slot_contents();
  // The last token is always fed again: its logits are what the next step samples from.
  int64_t keep = std::min<int64_t>(held.common_prefix(slot, history_), static_cast<int64_t>(history_.size()) - 1);
  if (held.size(slot) != s.n_past() || !s.rewind(keep).ok()) {  // out of step: trust nothing
    s.reset();
    keep = 0;
  }
  held.truncate(slot, keep);
  n_in_slot_ = static_cast<size_t>(keep);
  fresh_slot_ = false;
  if (!cached_tokens_) {  // usage and the hit rate count the prompt's first admission only
    cached_tokens_ = std::min<int64_t>(keep, static_cast<int64_t>(params_.prompt.size()));
    if (metrics_) metrics_->cached_prompt_tokens.fetch_add(*cached_tokens_, std::memory_order_relaxed);
  }
}

Status ChoiceTask::feed(int slot, runtime::Session& s, std::span<const int32_t> tokens) {
  SlotContents& held = model_.slot_contents();
  if (auto st = s.prefill(tokens); !st.ok()) {
    s.reset();
    held.truncate(slot, 0);
    return st;
  }
  held.append(slot, tokens);
  return Status::Ok();
}

StepOutcome ChoiceTask::step(int slot) {
  if (finished_) return StepOutcome::kDone;
  runtime::Session& s = model_.session(slot);
  if (fresh_slot_) take_slot(slot, s);
  if (n_in_slot_ < history_.size()) {
    // Chunked prefill: one chunk per step, so running decodes are not stalled for long.
    const size_t n = std::min<size_t>(static_cast<size_t>(model_.options().n_batch), history_.size() - n_in_slot_);
    if (auto st = feed(slot, s, std::span<const int32_t>(history_).subspan(n_in_slot_, n)); !st.ok()) {
      fail(st.error().message);
      return StepOutcome::kDone;
    }
    n_in_slot_ += n;
    if (n_in_slot_ < history_.size()) return StepOutcome::kContinue;
  }

  if (in_reasoning_ && params_.reasoning_budget && reasoning_tokens_ >= *params_.reasoning_budget && !reasoning_forced_) {
    // Budget spent: close the thought; the model then answers.
    reasoning_forced_ = true;
    forced_ = model_.loaded().tokenizer.encode("\n</think>\n\n", {.add_bos = false, .parse_special = true});
  }
  int32_t tok;
  bool sampled = false;
  if (!forced_.empty()) {
    tok = forced_.front();
    forced_.erase(forced_.begin());
  } else {
    const float* logits = s.state().logits(s.state().n_logits() - 1);
    tok = constraint_active_ ? constraint_->sample(sampler_, logits) : sampler_.sample(logits);
    if (tok < 0) {
      fail("structured output: the grammar allows no token here");
      return StepOutcome::kDone;
    }
    sampled = true;
    // From the unmasked logits (the constraint masks a copy): the model's own distribution,
    // also under a grammar (token_logprobs.h).
    if (params_.top_logprobs >= 0)
      token_logprobs(logits, model_.loaded().model->config().n_vocab, tok, params_.top_logprobs, logprob_);
  }
  if (constraint_active_ && !constraint_->accept_token(tok)) {
    fail("structured output: token " + std::to_string(tok) + " does not continue the grammar");
    return StepOutcome::kDone;
  }
  const bool was_in_reasoning = in_reasoning_;
  sampler_.accept(tok);
  ++generated_;
  if (in_reasoning_) ++reasoning_tokens_;
  const auto now = std::chrono::steady_clock::now();
  if (metrics_) {
    metrics_->generated_tokens.fetch_add(1, std::memory_order_relaxed);
    metrics_->token_rate.add(1, now);
    const int c = static_cast<int>(priority());
    if (generated_ == 1)
      metrics_->ttft[c].observe(std::chrono::duration<double>(now - arrival_).count());
    else
      metrics_->inter_token[c].observe(std::chrono::duration<double>(now - last_token_).count());
  }
  last_token_ = now;

  if (s.is_end_of_generation(tok)) {
    finish("stop", /*flush=*/true);
    return StepOutcome::kDone;
  }
  // Sampled tokens only: a forced "</think>" was not the model's choice.
  if (sampled && params_.top_logprobs >= 0) emit_logprob();
  const text::Tokenizer& tokenizer = model_.loaded().tokenizer;
  if (!tokenizer.is_control(tok) || is_tool_call_marker(tokenizer.token_piece(tok))) {
    const std::string piece = detok_.push(tok);
    if (!piece.empty()) track_reasoning(piece);
    if (constraint_ && !constraint_active_ &&
        !advance_constraint(std::string(model_.loaded().tokenizer.token_piece(tok)), was_in_reasoning)) {
      fail("structured output: the answer's first bytes do not fit the grammar");
      return StepOutcome::kDone;
    }
    if (!piece.empty()) {
      if (emit_text(piece)) {
        finish("stop", /*flush=*/false);
        return StepOutcome::kDone;
      }
    }
  }
  if (generated_ >= params_.max_tokens) {
    finish("length", /*flush=*/true);
    return StepOutcome::kDone;
  }
  history_.push_back(tok);
  if (auto st = feed(slot, s, std::span<const int32_t>(&tok, 1)); !st.ok()) {
    fail(st.error().message);
    return StepOutcome::kDone;
  }
  ++n_in_slot_;
  return StepOutcome::kContinue;
}

}  // namespace onboard::server
