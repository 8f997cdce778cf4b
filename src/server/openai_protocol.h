// The OpenAI wire protocol: requests parsed and validated into a typed struct (wrong types
// name the field), response and stream-chunk objects built, errors shaped as OpenAI's
// {"error": {"message", "type", "param", "code"}}. No I/O, no model logic.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/scheduler.h"
#include "text/reasoning_parser.h"

namespace onboard::server {

using ojson = nlohmann::ordered_json;

struct ApiError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;  // empty: null
  std::string code;   // empty: null
};

ojson error_body(const ApiError& e);
ApiError bad_field(const std::string& param, const std::string& message);

enum class Endpoint { kChat, kCompletion };

struct CompletionRequest {
  Endpoint endpoint = Endpoint::kChat;
  std::string model;      // empty: the default model
  ojson messages;         // chat: [{role, content: string, ...}] (content parts joined)
  ojson tools;            // null when absent
  ojson tool_choice;      // null when absent; "auto" | "none" | "required" | {type, function: {name}}
  bool parallel_tool_calls = true;
  ojson response_format;  // null when absent; {type: text | json_object | json_schema, json_schema: {...}}
  std::string prompt;     // completions
  std::optional<int64_t> max_tokens;
  std::optional<float> temperature, top_p, min_p, presence_penalty, frequency_penalty, repetition_penalty;
  std::optional<int32_t> top_k;
  std::optional<uint64_t> seed;
  std::vector<std::string> stop;
  int n = 1;
  bool stream = false;
  bool include_usage = false;
  std::optional<int64_t> reasoning_budget;  // thinking tokens at most (reasoning_effort maps here)
  std::optional<Priority> priority;
  int top_logprobs = -1;  // -1: no logprobs; else how many alternatives per token (0..20)
  std::vector<std::pair<int32_t, float>> logit_bias;  // token id -> bias in [-100, 100]
};

// Parses a request body. Unknown fields are ignored; malformed JSON, wrong types and values
// out of range give an ApiError (status 400, `param` naming the field).
bool parse_request(const std::string& body, Endpoint endpoint, CompletionRequest& out, ApiError& err);

struct Usage {
  int64_t prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0, cached_tokens = 0;
};
ojson usage_json(const Usage& u);

// A token as logprobs report it: its bytes (possibly part of a UTF-8 character) and logprob.
struct LogprobToken {
  std::string bytes;
  float logprob = 0;
  int32_t id = -1;  // not sent; for tests and logs
};
struct LogprobEntry {
  LogprobToken chosen;
  std::vector<LogprobToken> top;
};

// One finished choice, as collected for a non-streamed answer.
struct ChoiceResult {
  std::string content, reasoning;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason = "stop";
  bool with_logprobs = false;
  std::vector<LogprobEntry> logprobs;  // every sampled token (reasoning included), in order
};

// choices[].logprobs: chat {"content": [{token, logprob, bytes, top_logprobs}], "refusal"};
// completions the legacy {tokens, token_logprobs, top_logprobs, text_offset}. `text_offset`
// starts at `offset` (the characters of text before these tokens).
ojson chat_logprobs_json(const std::vector<LogprobEntry>& entries);
ojson text_logprobs_json(const std::vector<LogprobEntry>& entries, size_t offset);

ojson tool_call_json(const ToolCall& call, const std::string& id, int index);
ojson chat_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage);
ojson text_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage);

// Stream chunks. `delta` is the chat delta object ({"content": ...} etc.) or, for completions,
// ignored in favour of `text`. finish_reason empty: null. `logprobs`: the chunk's
// choices[].logprobs (null when not asked for).
ojson chat_chunk_json(const std::string& id, int64_t created, const std::string& model, int index, ojson delta,
                      const std::string& finish_reason, bool include_usage_null, ojson logprobs = nullptr);
ojson text_chunk_json(const std::string& id, int64_t created, const std::string& model, int index,
                      const std::string& text, const std::string& finish_reason, bool include_usage_null,
                      ojson logprobs = nullptr);
ojson usage_chunk_json(const std::string& id, int64_t created, const std::string& model, bool chat, const Usage& u);

}  // namespace onboard::server
