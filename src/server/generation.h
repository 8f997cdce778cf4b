// One choice of one request as a scheduler Sequence: it owns its token history, sampler,
// detokenizer, stop-sequence matcher and reasoning/tool-call parser, and on each step either
// prefills a chunk of its history into its slot's Session or samples one token (or injects
// one token of a forced "</think>" when the reasoning budget is spent). What it produces goes
// to a Channel the HTTP handler reads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/grammar/token_constraint.h"
#include "runtime/sampler.h"
#include "server/metrics.h"
#include "server/openai_protocol.h"
#include "server/scheduler.h"
#include "server/served_model.h"
#include "server/token_logprobs.h"
#include "text/detokenizer.h"
#include "text/tool_call_parser.h"

namespace onboard::server {

struct ChoiceEvent {
  // kLogprob comes before the text its token produced (which stop matching may hold back).
  enum class Kind { kReasoning, kContent, kToolCall, kLogprob, kFinish, kError };
  Kind kind = Kind::kContent;
  int index = 0;
  std::string text;            // delta text; kError: the message
  ToolCall tool_call;          // kToolCall
  LogprobEntry logprob;        // kLogprob
  std::string finish_reason;   // kFinish: "stop" | "length" | "cancelled" | "expired" (text says why)
  int64_t completion_tokens = 0, reasoning_tokens = 0;  // kFinish
  int64_t cached_tokens = 0;   // kFinish: prompt tokens whose KV the slot already held
};

// Many producers (the choices of a request), one consumer (its HTTP handler).
class Channel {
 public:
  void push(ChoiceEvent e);
  // Waits up to `timeout` for events; moves all that are there into `out`.
  void pop_all(std::vector<ChoiceEvent>& out, std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ChoiceEvent> events_;
};

struct GenerationParams {
  std::vector<int32_t> prompt;
  runtime::SamplerParams sampling;
  int64_t max_tokens = 16;
  std::vector<std::string> stop;
  bool parse_output = true;          // chat: split reasoning / content / tool calls
  bool starts_in_reasoning = false;  // the prompt ended with "<think>\n"
  std::optional<int64_t> reasoning_budget;
  // Structured output (structured_output.h): applied to the answer, after any reasoning; with
  // grammar_from_tool_calls only once the answer opens the tool-call block. Tool calls of a
  // constrained choice are released when the block is complete, never from a truncated one.
  std::shared_ptr<const runtime::grammar::Grammar> grammar;
  bool grammar_from_tool_calls = false;
  bool parse_tool_calls = true;  // false under tool_choice "none"
  int top_logprobs = -1;  // -1: no logprobs; else alternatives per sampled token
};

class ChoiceTask : public Sequence {
 public:
  ChoiceTask(ServedModel& model, std::shared_ptr<Channel> channel, int index, const GenerationParams& params,
             Priority priority, Metrics* metrics, std::chrono::steady_clock::time_point arrival);

  StepOutcome step(int slot) override;
  int64_t slot_affinity(int slot) const override;
  void on_evicted() override { fresh_slot_ = true; }
  void on_dropped() override;
  void on_expired(std::chrono::milliseconds waited) override;

 private:
  // Through stop matching, then the parser; true when a stop sequence was met (text from it
  // on is dropped).
  bool emit_text(const std::string& text);
  void emit_parsed(const std::string& text);  // through the parser to the channel
  void push_event(ChoiceEvent e);
  // Ends the choice: with flush, what the detokenizer and stop matcher hold goes out first.
  void finish(const std::string& reason, bool flush);
  void fail(const std::string& message);
  // Ends the choice without output: "cancelled" or "expired" (`why` says more).
  void end_unstarted(const char* reason, std::string why);
  void track_reasoning(const std::string& text);
  void emit_logprob();  // of the token just sampled (in logprob_)
  // On a slot newly given: keeps the KV of the longest prefix of history_ it holds.
  void take_slot(int slot, runtime::Session& s);
  // Feeds tokens into the slot's KV, keeping SlotContents in step.
  Status feed(int slot, runtime::Session& s, std::span<const int32_t> tokens);

  ServedModel& model_;
  std::shared_ptr<Channel> channel_;
  int index_;
  GenerationParams params_;
  Metrics* metrics_;
  std::chrono::steady_clock::time_point arrival_, last_token_;

  std::vector<int32_t> history_;  // tokens whose KV the slot must hold (prompt + generated)
  size_t n_in_slot_ = 0;          // of history_, already in the current slot's KV
  bool fresh_slot_ = true;
  runtime::Sampler sampler_;
  TokenLogprob logprob_;          // of the last sampled token (storage reused)
  text::StreamingDetokenizer detok_;
  OutputParser parser_;
  std::string pending_;           // text held back: it could begin a stop sequence
  std::vector<int32_t> forced_;   // tokens to inject instead of sampling
  bool in_reasoning_ = false, reasoning_forced_ = false, saw_output_ = false;
  std::string think_tail_;        // last bytes of the output, to see "</think>" across pieces
  int64_t generated_ = 0, reasoning_tokens_ = 0;
  std::optional<int64_t> cached_tokens_;  // set at the first admission
  bool finished_ = false;
  // Structured output: the constraint, whether it applies yet, the answer's last bytes (to see
  // the tool-call marker), and tool calls held until the choice ends well.
  std::optional<runtime::grammar::TokenConstraint> constraint_;
  bool constraint_active_ = false;
  std::string answer_tail_;
  std::vector<ChoiceEvent> held_calls_;
  // Starts the constraint where the answer begins (or the tool-call block opens) and feeds it
  // this piece's bytes from there; false when the grammar rejects them.
  bool advance_constraint(const std::string& piece, bool was_in_reasoning);
};

}  // namespace onboard::server
