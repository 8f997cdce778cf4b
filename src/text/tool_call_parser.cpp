#include "text/tool_call_parser.h"

#include <algorithm>

namespace onboard {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string clip(std::string_view s) {
  return s.size() > 200 ? std::string(s.substr(0, 200)) + "..." : std::string(s);
}

void malformed(std::vector<OutputEvent>& out, std::string message) {
  out.push_back(OutputEvent{OutputEventType::kMalformed, std::move(message), {}});
}

}  // namespace

bool parse_tool_call(std::string_view inner, ToolCall& call, std::string& error) {
  const size_t sep = inner.find(kToolSep);
  if (sep == std::string_view::npos) {
    error = "malformed tool call: missing <｜tool▁sep｜> in '" + clip(inner) + "'";
    return false;
  }
  call.type = std::string(inner.substr(0, sep));
  if (call.type != "function") {
    error = "malformed tool call: unsupported type '" + clip(call.type) + "' (expected 'function')";
    return false;
  }
  std::string_view rest = inner.substr(sep + kToolSep.size());
  const size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) {
    error = "malformed tool call: missing newline and ```json fence after the function name";
    return false;
  }
  call.name = std::string(rest.substr(0, nl));
  if (call.name.empty() || call.name.find_first_of(" \t\r`{}") != std::string::npos) {
    error = "malformed tool call: invalid function name '" + clip(call.name) + "'";
    return false;
  }
  rest = rest.substr(nl + 1);
  constexpr std::string_view kOpenFence = "```json\n";
  if (rest.substr(0, kOpenFence.size()) != kOpenFence) {
    error = "malformed tool call '" + call.name + "': missing ```json fence before the arguments";
    return false;
  }
  rest = rest.substr(kOpenFence.size());
  // Trailing whitespace after the closing fence is tolerated.
  size_t end = rest.size();
  while (end > 0 && is_ws(rest[end - 1])) --end;
  constexpr std::string_view kCloseFence = "\n```";
  if (end < kCloseFence.size() || rest.substr(end - kCloseFence.size(), kCloseFence.size()) != kCloseFence) {
    error = "malformed tool call '" + call.name + "': missing closing ``` fence after the arguments";
    return false;
  }
  const std::string_view args = rest.substr(0, end - kCloseFence.size());
  call.arguments = nlohmann::ordered_json::parse(args.begin(), args.end(), nullptr, false);
  if (call.arguments.is_discarded()) {
    error = "malformed tool call '" + call.name + "': arguments are not valid JSON: " + clip(args);
    return false;
  }
  if (!call.arguments.is_object()) {
    error = "malformed tool call '" + call.name + "': arguments are not a JSON object: " + clip(args);
    return false;
  }
  return true;
}

void ToolCallParser::feed(std::string_view chunk, std::vector<OutputEvent>& out) {
  buf_.append(chunk);
  process(out, false);
}

void ToolCallParser::finish(std::vector<OutputEvent>& out) { process(out, true); }

void ToolCallParser::process(std::vector<OutputEvent>& out, bool final) {
  while (true) {
    if (state_ == State::kContent) {
      const size_t p = buf_.find(kToolCallsBegin);
      if (p != std::string::npos) {
        append_delta(out, OutputEventType::kContent, std::string_view(buf_).substr(0, p));
        buf_.erase(0, p + kToolCallsBegin.size());
        state_ = State::kCalls;
        continue;
      }
      size_t keep = final ? 0 : partial_marker_suffix(buf_, kToolCallsBegin);
      if (!final) keep += incomplete_utf8_suffix(std::string_view(buf_).substr(0, buf_.size() - keep));
      append_delta(out, OutputEventType::kContent, std::string_view(buf_).substr(0, buf_.size() - keep));
      buf_.erase(0, buf_.size() - keep);
      return;
    }
    // Inside the calls block.
    size_t i = 0;
    while (i < buf_.size() && is_ws(buf_[i])) ++i;
    std::string_view rest = std::string_view(buf_).substr(i);
    if (rest.substr(0, kToolCallsEnd.size()) == kToolCallsEnd) {
      buf_.erase(0, i + kToolCallsEnd.size());
      state_ = State::kContent;
      continue;
    }
    if (rest.substr(0, kToolCallBegin.size()) == kToolCallBegin) {
      const size_t e = rest.find(kToolCallEnd, kToolCallBegin.size());
      if (e == std::string_view::npos) {
        if (final) {
          malformed(out, "malformed tool call: the stream ended before <｜tool▁call▁end｜>: " +
                             clip(rest.substr(kToolCallBegin.size())));
          buf_.clear();
          state_ = State::kContent;
        }
        return;
      }
      ToolCall call;
      std::string error;
      if (parse_tool_call(rest.substr(kToolCallBegin.size(), e - kToolCallBegin.size()), call, error))
        out.push_back(OutputEvent{OutputEventType::kToolCall, {}, std::move(call)});
      else
        malformed(out, std::move(error));
      buf_.erase(0, i + e + kToolCallEnd.size());
      continue;
    }
    // Could the rest still become one of the two markers?
    const bool maybe = (rest.size() < kToolCallsEnd.size() && kToolCallsEnd.substr(0, rest.size()) == rest) ||
                       (rest.size() < kToolCallBegin.size() && kToolCallBegin.substr(0, rest.size()) == rest);
    if (!final && maybe) return;
    if (rest.empty()) {
      if (final) {
        malformed(out, "malformed tool calls: the stream ended before <｜tool▁calls▁end｜>");
        buf_.clear();
        state_ = State::kContent;
      }
      return;
    }
    // Unexpected text inside the block: report it up to the next marker and resynchronise.
    const size_t next_call = rest.find(kToolCallBegin);
    const size_t next_end = rest.find(kToolCallsEnd);
    const size_t next = std::min(next_call, next_end);
    if (next == std::string_view::npos && !final) {
      // Wait for a marker (bounded: the whole block is reported at the end at the latest).
      if (rest.size() < (1u << 20)) return;
    }
    const size_t cut = next == std::string_view::npos ? rest.size() : next;
    malformed(out, "malformed tool calls: unexpected text inside the tool-calls block: " + clip(rest.substr(0, cut)));
    buf_.erase(0, i + cut);
    if (next == std::string_view::npos && final) {
      malformed(out, "malformed tool calls: the stream ended before <｜tool▁calls▁end｜>");
      state_ = State::kContent;
      return;
    }
  }
}

OutputParser::OutputParser(OutputParserOptions options)
    : options_(options), reasoning_(options.starts_in_reasoning) {}

void OutputParser::route(std::vector<OutputEvent>& stage1, std::vector<OutputEvent>& out, bool final) {
  for (auto& ev : stage1) {
    if (ev.type == OutputEventType::kContent && options_.parse_tool_calls) {
      tools_.feed(ev.text, out);
    } else if (ev.type == OutputEventType::kReasoning || ev.type == OutputEventType::kContent) {
      append_delta(out, ev.type, ev.text);
    } else {
      out.push_back(std::move(ev));
    }
  }
  if (final && options_.parse_tool_calls) tools_.finish(out);
}

std::vector<OutputEvent> OutputParser::feed(std::string_view chunk) {
  std::vector<OutputEvent> stage1, out;
  reasoning_.feed(chunk, stage1);
  route(stage1, out, false);
  return out;
}

std::vector<OutputEvent> OutputParser::finish() {
  std::vector<OutputEvent> stage1, out;
  reasoning_.finish(stage1);
  route(stage1, out, true);
  return out;
}

}  // namespace onboard
