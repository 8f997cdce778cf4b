// Streaming reasoning / tool-call output parsing: every stream is fed cut at every byte
// boundary and in 1-byte chunks; the accumulated events must equal the one-shot parse, and no
// delta may split a UTF-8 character.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "text/reasoning_parser.h"
#include "text/tool_call_parser.h"

namespace {

using onboard::OutputEvent;
using onboard::OutputEventType;
using onboard::OutputParser;
using onboard::OutputParserOptions;

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string describe(const OutputEvent& e) {
  switch (e.type) {
    case OutputEventType::kReasoning: return "R[" + e.text + "]";
    case OutputEventType::kContent: return "C[" + e.text + "]";
    case OutputEventType::kToolCall: return "T[" + e.tool_call.name + " " + e.tool_call.arguments.dump() + "]";
    case OutputEventType::kMalformed: return "M[" + e.text + "]";
  }
  return "?";
}

// Feeds `chunks`, checks every delta is whole UTF-8, merges adjacent deltas.
std::vector<std::string> run(const std::vector<std::string>& chunks, bool prefilled) {
  OutputParser p(OutputParserOptions{prefilled, true});
  std::vector<OutputEvent> all;
  auto take = [&](std::vector<OutputEvent> evs) {
    for (auto& e : evs) {
      if (e.type == OutputEventType::kReasoning || e.type == OutputEventType::kContent) {
        EXPECT_TRUE(valid_utf8(e.text)) << "delta splits a UTF-8 character: " << e.text;
        if (!all.empty() && all.back().type == e.type) {
          all.back().text += e.text;
          continue;
        }
      }
      all.push_back(std::move(e));
    }
  };
  for (const auto& c : chunks) take(p.feed(c));
  take(p.finish());
  std::vector<std::string> out;
  for (const auto& e : all) out.push_back(describe(e));
  return out;
}

std::vector<std::string> one_shot(const std::string& s, bool prefilled) { return run({s}, prefilled); }

void check_all_splits(const std::string& s, bool prefilled) {
  const auto expected = one_shot(s, prefilled);
  for (size_t k = 0; k <= s.size(); ++k)
    ASSERT_EQ(run({s.substr(0, k), s.substr(k)}, prefilled), expected) << "split at byte " << k;
  for (size_t k = 1; k + 1 < s.size(); k += 3)
    ASSERT_EQ(run({s.substr(0, k), s.substr(k, 2), s.substr(k + 2)}, prefilled), expected) << "3-way split at " << k;
  std::vector<std::string> bytes;
  for (char c : s) bytes.emplace_back(1, c);
  ASSERT_EQ(run(bytes, prefilled), expected) << "1-byte chunks";
}

const std::string kCall1 =
    "<｜tool▁call▁begin｜>function<｜tool▁sep｜>set_temperature\n```json\n{\"zone\": \"driver\", \"celsius\": 22}\n```<｜tool▁call▁end｜>";
const std::string kCall2 =
    "<｜tool▁call▁begin｜>function<｜tool▁sep｜>seat_heating\n```json\n{\"on\": true, \"note\": \"座椅 🔥\"}\n```<｜tool▁call▁end｜>";

TEST(OutputParser, PrefilledThinkStartsInReasoning) {
  const std::string s = "Let me think about 22°C… 🤔</think>\n\nSetting it to 22 度.";
  EXPECT_EQ(one_shot(s, true), (std::vector<std::string>{"R[Let me think about 22°C… 🤔]", "C[\n\nSetting it to 22 度.]"}));
  check_all_splits(s, true);
}

TEST(OutputParser, ExplicitThinkTag) {
  const std::string s = "<think>\nreasoning here</think>answer";
  EXPECT_EQ(one_shot(s, false), (std::vector<std::string>{"R[reasoning here]", "C[answer]"}));
  check_all_splits(s, false);
}

TEST(OutputParser, NoThinkIsAllContentIncludingLookalikes) {
  const std::string s = "a < b and </thi is not a tag; <｜tool▁calls is not either. 完";
  EXPECT_EQ(one_shot(s, false), (std::vector<std::string>{"C[" + s + "]"}));
  check_all_splits(s, false);
  // A stream cut inside a marker prefix flushes the held-back text as content at the end.
  EXPECT_EQ(one_shot("text </thi", true), (std::vector<std::string>{"R[text </thi]"}));
  EXPECT_EQ(one_shot("x<｜tool▁ca", false), (std::vector<std::string>{"C[x<｜tool▁ca]"}));
}

TEST(OutputParser, OneToolCall) {
  const std::string s = "ok</think>Calling.<｜tool▁calls▁begin｜>" + kCall1 + "<｜tool▁calls▁end｜>";
  EXPECT_EQ(one_shot(s, true), (std::vector<std::string>{"R[ok]", "C[Calling.]",
                                                          "T[set_temperature {\"zone\":\"driver\",\"celsius\":22}]"}));
  check_all_splits(s, true);
}

TEST(OutputParser, TwoToolCallsThenContent) {
  const std::string s = "<｜tool▁calls▁begin｜>" + kCall1 + "\n" + kCall2 + "<｜tool▁calls▁end｜>trailing";
  EXPECT_EQ(one_shot(s, false),
            (std::vector<std::string>{"T[set_temperature {\"zone\":\"driver\",\"celsius\":22}]",
                                      "T[seat_heating {\"on\":true,\"note\":\"座椅 🔥\"}]", "C[trailing]"}));
  check_all_splits(s, false);
}

TEST(OutputParser, MalformedCallsAreReportedNotPassedOff) {
  const std::string bad_json = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": }\n```<｜tool▁call▁end｜>" + kCall1 + "<｜tool▁calls▁end｜>";
  auto ev = one_shot(bad_json, false);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rfind("M[malformed tool call 'f': arguments are not valid JSON", 0), 0u) << ev[0];
  EXPECT_EQ(ev[1], "T[set_temperature {\"zone\":\"driver\",\"celsius\":22}]");
  check_all_splits(bad_json, false);

  const std::string no_fence = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n{\"a\": 1}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
  ev = one_shot(no_fence, false);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NE(ev[0].find("missing ```json fence"), std::string::npos) << ev[0];
  check_all_splits(no_fence, false);

  const std::string not_object = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n[1]\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
  ev = one_shot(not_object, false);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NE(ev[0].find("not a JSON object"), std::string::npos) << ev[0];

  const std::string truncated = "answer<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": 1";
  ev = one_shot(truncated, false);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], "C[answer]");
  EXPECT_NE(ev[1].find("stream ended before <｜tool▁call▁end｜>"), std::string::npos) << ev[1];
  check_all_splits(truncated, false);

  const std::string unterminated_block = "<｜tool▁calls▁begin｜>" + kCall1;
  ev = one_shot(unterminated_block, false);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rfind("T[set_temperature", 0), 0u);
  EXPECT_NE(ev[1].find("stream ended before <｜tool▁calls▁end｜>"), std::string::npos) << ev[1];
  check_all_splits(unterminated_block, false);

  const std::string garbage = "<｜tool▁calls▁begin｜>junk" + kCall1 + "<｜tool▁calls▁end｜>";
  ev = one_shot(garbage, false);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_NE(ev[0].find("unexpected text inside the tool-calls block: junk"), std::string::npos) << ev[0];
  check_all_splits(garbage, false);
}

TEST(OutputParser, TruncatedReasoningIsReasoning) {
  const std::string s = "still thinking 多字节";
  EXPECT_EQ(one_shot(s, true), (std::vector<std::string>{"R[" + s + "]"}));
  check_all_splits(s, true);
}

TEST(OutputParser, ToolCallParseHelper) {
  onboard::ToolCall call;
  std::string err;
  EXPECT_TRUE(onboard::parse_tool_call("function<｜tool▁sep｜>f\n```json\n{}\n```", call, err)) << err;
  EXPECT_EQ(call.name, "f");
  EXPECT_FALSE(onboard::parse_tool_call("function<｜tool▁sep｜>f\n```json\n{}", call, err));
  EXPECT_NE(err.find("closing ``` fence"), std::string::npos);
  EXPECT_FALSE(onboard::parse_tool_call("retrieval<｜tool▁sep｜>f\n```json\n{}\n```", call, err));
}

}  // namespace
