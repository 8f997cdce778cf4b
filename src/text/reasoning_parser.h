// Streaming split of DeepSeek-R1-style output into reasoning and content.
//
// Reasoning is the text after the prefilled "<think>\n" (the template's generation prompt;
// then the model output starts inside reasoning: `starts_in_reasoning`) or after an explicit
// "<think>" (plus one "\n") at the very start of the output, up to the first "</think>".
// Everything after "</think>" is content, verbatim. Text that could be the start of a marker
// and incomplete UTF-8 sequences are held back, so no delta ever contains a partial marker
// or a split character; feeding any chunking of a stream yields the same concatenated events.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace onboard {

struct ToolCall {
  std::string type;                  // "function"
  std::string name;
  nlohmann::ordered_json arguments;  // always a JSON object
};

enum class OutputEventType { kReasoning, kContent, kToolCall, kMalformed };

struct OutputEvent {
  OutputEventType type;
  std::string text;    // reasoning/content delta; for kMalformed the error message
  ToolCall tool_call;  // kToolCall only
};

inline constexpr std::string_view kThinkOpen = "<think>";
inline constexpr std::string_view kThinkClose = "</think>";

// Length of the longest suffix of `buf` that is a proper prefix of `marker`.
size_t partial_marker_suffix(std::string_view buf, std::string_view marker);
// Length of an incomplete UTF-8 sequence at the end of `buf` (0 if it ends on a boundary).
size_t incomplete_utf8_suffix(std::string_view buf);

class ReasoningParser {
 public:
  explicit ReasoningParser(bool starts_in_reasoning);
  // Appends reasoning/content deltas for `chunk` to `out`.
  void feed(std::string_view chunk, std::vector<OutputEvent>& out);
  // End of stream: flushes everything held back.
  void finish(std::vector<OutputEvent>& out);
  bool in_reasoning() const { return state_ == State::kReasoning; }

 private:
  enum class State { kStart, kAfterOpen, kReasoning, kContent };
  void process(std::vector<OutputEvent>& out, bool final);
  State state_;
  std::string buf_;
};

// Appends a delta, merging with the previous event of the same kind.
void append_delta(std::vector<OutputEvent>& out, OutputEventType type, std::string_view text);

}  // namespace onboard
