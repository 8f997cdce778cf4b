// Request parsing and validation of the OpenAI protocol: wrong types name the field.
#include "server/openai_protocol.h"

#include <gtest/gtest.h>

namespace onboard::server {
namespace {

ApiError parse_error(const std::string& body, Endpoint ep = Endpoint::kChat) {
  CompletionRequest r;
  ApiError e;
  EXPECT_FALSE(parse_request(body, ep, r, e)) << body;
  return e;
}

CompletionRequest parse_ok(const std::string& body, Endpoint ep = Endpoint::kChat) {
  CompletionRequest r;
  ApiError e;
  EXPECT_TRUE(parse_request(body, ep, r, e)) << body << ": " << e.message;
  return r;
}

TEST(OpenAiProtocol, ParsesTheUsualFields) {
  auto r = parse_ok(R"({"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}],
    "max_tokens":12,"temperature":0.5,"top_p":0.9,"top_k":40,"min_p":0.05,"presence_penalty":0.1,
    "frequency_penalty":-0.2,"seed":42,"stop":["a","b"],"n":2,"stream":true,
    "stream_options":{"include_usage":true},"user":"u","priority":"critical","some_future_field":{"x":1}})");
  EXPECT_EQ(r.model, "m");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1]["content"], "hi");
  EXPECT_EQ(*r.max_tokens, 12);
  EXPECT_FLOAT_EQ(*r.temperature, 0.5f);
  EXPECT_EQ(*r.top_k, 40);
  EXPECT_EQ(*r.seed, 42u);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.n, 2);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(*r.priority, Priority::kCritical);
}

TEST(OpenAiProtocol, ContentPartsAreJoined) {
  auto r = parse_ok(R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})");
  EXPECT_EQ(r.messages[0]["content"], "ab");
  auto e = parse_error(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})");
  EXPECT_EQ(e.param, "messages[0].content[0].type");
  EXPECT_NE(e.message.find("image_url"), std::string::npos);
}

TEST(OpenAiProtocol, MaxCompletionTokensAndStopString) {
  auto r = parse_ok(R"({"messages":[{"role":"user","content":"x"}],"max_completion_tokens":7,"stop":"END"})");
  EXPECT_EQ(*r.max_tokens, 7);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"END"}));
}

TEST(OpenAiProtocol, MalformedJson) {
  auto e = parse_error("{\"messages\": [");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.code, "invalid_json");
  EXPECT_EQ(parse_error("[1,2]").code, "invalid_json");
}

TEST(OpenAiProtocol, WrongTypesNameTheField) {
  const std::string msgs = R"("messages":[{"role":"user","content":"x"}])";
  struct Case {
    std::string field, json;
  } cases[] = {
      {"temperature", R"("temperature":"hot")"}, {"max_tokens", R"("max_tokens":"ten")"},
      {"max_tokens", R"("max_tokens":1.5)"},     {"top_p", R"("top_p":[1])"},
      {"n", R"("n":true)"},                      {"stream", R"("stream":"yes")"},
      {"stop", R"("stop":5)"},                   {"stop", R"("stop":["a",1])"},
      {"seed", R"("seed":"1")"},                 {"model", R"("model":3)"},
      {"priority", R"("priority":1)"},           {"stream_options.include_usage", R"("stream_options":{"include_usage":1})"},
      {"user", R"("user":{})"},
  };
  for (const auto& c : cases) {
    auto e = parse_error("{" + msgs + "," + c.json + "}");
    EXPECT_EQ(e.status, 400) << c.json;
    EXPECT_EQ(e.param, c.field) << c.json;
    EXPECT_NE(e.message.find(c.field), std::string::npos) << e.message;
  }
}

TEST(OpenAiProtocol, ValuesOutOfRange) {
  const std::string msgs = R"("messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(parse_error("{" + msgs + R"(,"temperature":3})").param, "temperature");
  EXPECT_EQ(parse_error("{" + msgs + R"(,"max_tokens":0})").param, "max_tokens");
  EXPECT_EQ(parse_error("{" + msgs + R"(,"n":0})").param, "n");
  EXPECT_EQ(parse_error("{" + msgs + R"(,"priority":"urgent"})").param, "priority");
  EXPECT_EQ(parse_error("{" + msgs + R"(,"stop":[""]})").param, "stop");
  EXPECT_EQ(parse_error("{" + msgs + R"(,"reasoning_effort":"max"})").param, "reasoning_effort");
}

TEST(OpenAiProtocol, MessagesAreChecked) {
  EXPECT_EQ(parse_error(R"({"model":"m"})").param, "messages");
  EXPECT_EQ(parse_error(R"({"messages":"hi"})").param, "messages");
  EXPECT_EQ(parse_error(R"({"messages":[]})").param, "messages");
  EXPECT_EQ(parse_error(R"({"messages":[{"content":"x"}]})").param, "messages[0].role");
  EXPECT_EQ(parse_error(R"({"messages":[{"role":"user","content":5}]})").param, "messages[0].content");
}

TEST(OpenAiProtocol, CompletionPrompt) {
  EXPECT_EQ(parse_ok(R"({"prompt":"abc"})", Endpoint::kCompletion).prompt, "abc");
  EXPECT_EQ(parse_ok(R"({"prompt":["abc"]})", Endpoint::kCompletion).prompt, "abc");
  EXPECT_EQ(parse_error(R"({"prompt":[1,2,3]})", Endpoint::kCompletion).param, "prompt");
  EXPECT_EQ(parse_error(R"({})", Endpoint::kCompletion).param, "prompt");
}

TEST(OpenAiProtocol, ReasoningEffortMapsToABudget) {
  const std::string msgs = R"("messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(*parse_ok("{" + msgs + R"(,"reasoning_effort":"low"})").reasoning_budget, 256);
  EXPECT_FALSE(parse_ok("{" + msgs + R"(,"reasoning_effort":"high"})").reasoning_budget.has_value());
  EXPECT_EQ(*parse_ok("{" + msgs + R"(,"reasoning_budget":10,"reasoning_effort":"low"})").reasoning_budget, 10);
}

TEST(OpenAiProtocol, ErrorBodyIsOpenAiShaped) {
  auto j = error_body(bad_field("top_p", "bad"));
  EXPECT_EQ(j["error"]["message"], "bad");
  EXPECT_EQ(j["error"]["type"], "invalid_request_error");
  EXPECT_EQ(j["error"]["param"], "top_p");
  EXPECT_EQ(j["error"]["code"], "invalid_value");
  auto k = error_body(ApiError{500, "x", "server_error", "", ""});
  EXPECT_TRUE(k["error"]["param"].is_null());
  EXPECT_TRUE(k["error"]["code"].is_null());
}

TEST(OpenAiProtocol, UsageJson) {
  auto u = usage_json(Usage{10, 5, 3, 0});
  EXPECT_EQ(u["total_tokens"], 15);
  EXPECT_EQ(u["completion_tokens_details"]["reasoning_tokens"], 3);
  EXPECT_EQ(u["prompt_tokens_details"]["cached_tokens"], 0);
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

TEST(OpenAiProtocol, LogprobsFields) {
  EXPECT_EQ(parse_ok(R"({"messages":[{"role":"user","content":"x"}]})").top_logprobs, -1);
  EXPECT_EQ(parse_ok(R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})").top_logprobs, 0);
  EXPECT_EQ(parse_ok(R"({"messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":5})").top_logprobs, 5);
  EXPECT_EQ(parse_error(R"({"messages":[{"role":"user","content":"x"}],"top_logprobs":5})").param, "top_logprobs");
  EXPECT_EQ(parse_error(R"({"messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21})").param,
            "top_logprobs");
  EXPECT_EQ(parse_error(R"({"messages":[{"role":"user","content":"x"}],"logprobs":3})").param, "logprobs");
  // Completions: the legacy integer.
  EXPECT_EQ(parse_ok(R"({"prompt":"x","logprobs":2})", Endpoint::kCompletion).top_logprobs, 2);
  EXPECT_EQ(parse_error(R"({"prompt":"x","logprobs":6})", Endpoint::kCompletion).param, "logprobs");
}

TEST(OpenAiProtocol, LogprobsShapes) {
  std::vector<LogprobEntry> e = {{{"a", -0.5f, 1}, {{"a", -0.5f, 1}, {"b", -1.5f, 2}}},
                                 {{"\xe4\xbd", -0.25f, 3}, {}}};
  const ojson chat = chat_logprobs_json(e);
  ASSERT_EQ(chat["content"].size(), 2u);
  EXPECT_EQ(chat["content"][0]["token"], "a");
  EXPECT_FLOAT_EQ(chat["content"][0]["logprob"].get<float>(), -0.5f);
  EXPECT_EQ(chat["content"][0]["bytes"], ojson::array({97}));
  EXPECT_EQ(chat["content"][0]["top_logprobs"][1]["token"], "b");
  EXPECT_EQ(chat["content"][1]["bytes"], ojson::array({0xe4, 0xbd}));  // a partial character keeps its bytes
  EXPECT_TRUE(chat["refusal"].is_null());
  const ojson text = text_logprobs_json(e, 10);
  EXPECT_EQ(text["tokens"], ojson::array({"a", "\xe4\xbd"}));
  EXPECT_EQ(text["text_offset"], ojson::array({10, 11}));
  EXPECT_FLOAT_EQ(text["top_logprobs"][0]["b"].get<float>(), -1.5f);
}

}  // namespace
}  // namespace onboard::server
