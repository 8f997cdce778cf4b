#include "text/reasoning_parser.h"

#include <algorithm>

namespace onboard {

size_t partial_marker_suffix(std::string_view buf, std::string_view marker) {
  const size_t max = std::min(buf.size(), marker.size() - 1);
  for (size_t k = max; k > 0; --k)
    if (buf.substr(buf.size() - k) == marker.substr(0, k)) return k;
  return 0;
}

size_t incomplete_utf8_suffix(std::string_view buf) {
  // Look back at most 3 bytes for a lead byte whose sequence runs past the end.
  for (size_t k = 1; k <= 3 && k <= buf.size(); ++k) {
    const auto b = static_cast<unsigned char>(buf[buf.size() - k]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    size_t need = 1;
    if ((b & 0xE0) == 0xC0) need = 2;
    else if ((b & 0xF0) == 0xE0) need = 3;
    else if ((b & 0xF8) == 0xF0) need = 4;
    return need > k ? k : 0;
  }
  return 0;
}

void append_delta(std::vector<OutputEvent>& out, OutputEventType type, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().type == type && (type == OutputEventType::kReasoning || type == OutputEventType::kContent)) {
    out.back().text.append(text);
    return;
  }
  out.push_back(OutputEvent{type, std::string(text), {}});
}

ReasoningParser::ReasoningParser(bool starts_in_reasoning)
    : state_(starts_in_reasoning ? State::kReasoning : State::kStart) {}

void ReasoningParser::feed(std::string_view chunk, std::vector<OutputEvent>& out) {
  buf_.append(chunk);
  process(out, false);
}

void ReasoningParser::finish(std::vector<OutputEvent>& out) { process(out, true); }

void ReasoningParser::process(std::vector<OutputEvent>& out, bool final) {
  while (true) {
    switch (state_) {
      case State::kStart: {
        // Does the output open with an explicit <think>?
        const size_t n = std::min(buf_.size(), kThinkOpen.size());
        if (buf_.compare(0, n, kThinkOpen.substr(0, n)) != 0) {
          state_ = State::kContent;
          continue;
        }
        if (buf_.size() < kThinkOpen.size()) {
          if (final) state_ = State::kContent;
          else return;
          continue;
        }
        buf_.erase(0, kThinkOpen.size());
        state_ = State::kAfterOpen;
        continue;
      }
      case State::kAfterOpen: {
        if (buf_.empty() && !final) return;
        if (!buf_.empty() && buf_[0] == '\n') buf_.erase(0, 1);
        state_ = State::kReasoning;
        continue;
      }
      case State::kReasoning: {
        const size_t p = buf_.find(kThinkClose);
        if (p != std::string::npos) {
          append_delta(out, OutputEventType::kReasoning, std::string_view(buf_).substr(0, p));
          buf_.erase(0, p + kThinkClose.size());
          state_ = State::kContent;
          continue;
        }
        size_t keep = final ? 0 : partial_marker_suffix(buf_, kThinkClose);
        if (!final) keep += incomplete_utf8_suffix(std::string_view(buf_).substr(0, buf_.size() - keep));
        append_delta(out, OutputEventType::kReasoning, std::string_view(buf_).substr(0, buf_.size() - keep));
        buf_.erase(0, buf_.size() - keep);
        return;
      }
      case State::kContent: {
        const size_t keep = final ? 0 : incomplete_utf8_suffix(buf_);
        append_delta(out, OutputEventType::kContent, std::string_view(buf_).substr(0, buf_.size() - keep));
        buf_.erase(0, buf_.size() - keep);
        return;
      }
    }
  }
}

}  // namespace onboard
