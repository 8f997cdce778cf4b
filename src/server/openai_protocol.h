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
};

// Parses a request body. Unknown fields are ignored; malformed JSON, wrong types and values
// out of range give an ApiError (status 400, `param` naming the field).
bool parse_request(const std::string& body, Endpoint endpoint, CompletionRequest& out, ApiError& err);

struct Usage {
  int64_t prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0, cached_tokens = 0;
};
ojson usage_json(const Usage& u);

// One finished choice, as collected for a non-streamed answer.
struct ChoiceResult {
  std::string content, reasoning;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason = "stop";
};

ojson tool_call_json(const ToolCall& call, const std::string& id, int index);
ojson chat_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage);
ojson text_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage);

// Stream chunks. `delta` is the chat delta object ({"content": ...} etc.) or, for completions,
// ignored in favour of `text`. finish_reason empty: null.
ojson chat_chunk_json(const std::string& id, int64_t created, const std::string& model, int index, ojson delta,
                      const std::string& finish_reason, bool include_usage_null);
ojson text_chunk_json(const std::string& id, int64_t created, const std::string& model, int index,
                      const std::string& text, const std::string& finish_reason, bool include_usage_null);
ojson usage_chunk_json(const std::string& id, int64_t created, const std::string& model, bool chat, const Usage& u);

}  // namespace onboard::server
