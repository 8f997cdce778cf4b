// Streaming parser for DeepSeek tool calls in the content stream:
//   <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{...}\n```<｜tool▁call▁end｜>
//   [\n<｜tool▁call▁begin｜>...<｜tool▁call▁end｜>]...<｜tool▁calls▁end｜>
// Each call is emitted as kToolCall once its <｜tool▁call▁end｜> arrives. A call with bad JSON,
// a missing fence, unexpected text inside the block or a stream that ends inside the block is
// reported as kMalformed (with a message) and never passed off as a valid call. Text that could
// start the calls marker and incomplete UTF-8 are held back from content deltas.
//
// OutputParser chains ReasoningParser -> ToolCallParser: the one object the server feeds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text/reasoning_parser.h"

namespace onboard {

inline constexpr std::string_view kToolCallsBegin = "<｜tool▁calls▁begin｜>";
inline constexpr std::string_view kToolCallsEnd = "<｜tool▁calls▁end｜>";
inline constexpr std::string_view kToolCallBegin = "<｜tool▁call▁begin｜>";
inline constexpr std::string_view kToolCallEnd = "<｜tool▁call▁end｜>";
inline constexpr std::string_view kToolSep = "<｜tool▁sep｜>";

// The tool-call markers: text the parser reads even where the vocabulary has them as control
// tokens (DeepSeek-V3's GGUF does), which output otherwise drops.
inline bool is_tool_call_marker(std::string_view piece) {
  return piece == kToolCallsBegin || piece == kToolCallsEnd || piece == kToolCallBegin || piece == kToolCallEnd ||
         piece == kToolSep;
}

// Parses the text between <｜tool▁call▁begin｜> and <｜tool▁call▁end｜>. On failure returns
// false and sets `error`.
bool parse_tool_call(std::string_view inner, ToolCall& call, std::string& error);

class ToolCallParser {
 public:
  void feed(std::string_view chunk, std::vector<OutputEvent>& out);
  void finish(std::vector<OutputEvent>& out);

 private:
  void process(std::vector<OutputEvent>& out, bool final);
  enum class State { kContent, kCalls };
  State state_ = State::kContent;
  std::string buf_;
};

struct OutputParserOptions {
  bool starts_in_reasoning = false;  // the prompt ended with a prefilled "<think>\n"
  bool parse_tool_calls = true;
};

class OutputParser {
 public:
  explicit OutputParser(OutputParserOptions options = {});
  // Events for this chunk (adjacent deltas of one kind merged).
  std::vector<OutputEvent> feed(std::string_view chunk);
  // End of stream: flushes held-back text; reports a truncated tool-call block as malformed.
  std::vector<OutputEvent> finish();

 private:
  void route(std::vector<OutputEvent>& stage1, std::vector<OutputEvent>& out, bool final);
  OutputParserOptions options_;
  ReasoningParser reasoning_;
  ToolCallParser tools_;
};

}  // namespace onboard
