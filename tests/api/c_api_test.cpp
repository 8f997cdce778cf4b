// The C ABI: errors as codes and messages, tokenization, greedy generation equal to the
// fixture reference, cancellation from the callback's thread.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onboard/onboard.h"

namespace {

const std::string kModels = std::string(ONBOARD_FIXTURES_DIR) + "/models/";

TEST(CApi, MissingFileIsNotFoundWithPath) {
  onboard_model* m = reinterpret_cast<onboard_model*>(0x1);
  EXPECT_EQ(onboard_model_load("/no/such/model.gguf", &m), ONBOARD_ERR_NOT_FOUND);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(onboard_last_error()).find("/no/such/model.gguf"), std::string::npos);
  EXPECT_EQ(onboard_model_load(nullptr, &m), ONBOARD_ERR_INVALID_ARGUMENT);
}

TEST(CApi, CorruptFileIsCorrupt) {
  const std::string path = std::string(ONBOARD_BINARY_DIR) + "/capi-corrupt.gguf";
  {  // the first 4 KiB of a real model: a truncated download
    std::ifstream in(kModels + "tiny-qwen2.gguf", std::ios::binary);
    std::vector<char> head(4096);
    in.read(head.data(), head.size());
    std::ofstream(path, std::ios::binary).write(head.data(), head.size());
  }
  onboard_model* m = nullptr;
  EXPECT_EQ(onboard_model_load(path.c_str(), &m), ONBOARD_ERR_CORRUPT);
  EXPECT_NE(std::string(onboard_last_error()).find("capi-corrupt.gguf"), std::string::npos);
}

struct Fixture {
  std::vector<int32_t> prompt, greedy;
  std::string text;
};

Fixture read_fixture(const std::string& name) {
  std::ifstream in(kModels + name + ".expected.json");
  auto j = nlohmann::json::parse(in);
  return {j["prompt_tokens"].get<std::vector<int32_t>>(), j["greedy_tokens"].get<std::vector<int32_t>>(),
          j["prompt_text"].get<std::string>()};
}

int collect(void* user, int32_t token, const char*, size_t) {
  if (token >= 0) static_cast<std::vector<int32_t>*>(user)->push_back(token);
  return 1;
}

TEST(CApi, TokenizesAndGeneratesLikeTheReference) {
  const Fixture fx = read_fixture("tiny-qwen2");
  onboard_model* m = nullptr;
  ASSERT_EQ(onboard_model_load((kModels + "tiny-qwen2.gguf").c_str(), &m), ONBOARD_OK) << onboard_last_error();
  EXPECT_EQ(onboard_model_n_vocab(m), 151936);

  std::vector<int32_t> ids(64);
  size_t n = 0;
  ASSERT_EQ(onboard_tokenize(m, fx.text.c_str(), 1, ids.data(), ids.size(), &n), ONBOARD_OK);
  ids.resize(n);
  EXPECT_EQ(ids, fx.prompt);
  size_t need = 0;
  EXPECT_EQ(onboard_tokenize(m, fx.text.c_str(), 1, ids.data(), 2, &need), ONBOARD_ERR_OUT_OF_RANGE);
  EXPECT_EQ(need, fx.prompt.size());

  onboard_session_params p = onboard_session_default_params();
  p.temperature = 0;
  p.kv_f16 = 0;
  p.n_ctx = 64;
  p.n_threads = 2;
  onboard_session* s = nullptr;
  ASSERT_EQ(onboard_session_create(m, &p, &s), ONBOARD_OK) << onboard_last_error();
  std::vector<int32_t> out;
  ASSERT_EQ(onboard_generate(s, fx.prompt.data(), fx.prompt.size(), 16, collect, &out), ONBOARD_OK) << onboard_last_error();
  EXPECT_EQ(out, fx.greedy);

  // The context holds 64 tokens: asking past it is an error, not a crash.
  onboard_session_reset(s);
  std::vector<int32_t> long_prompt(80, fx.prompt[1]);
  EXPECT_EQ(onboard_generate(s, long_prompt.data(), long_prompt.size(), 4, collect, &out), ONBOARD_ERR_OUT_OF_RANGE);
  EXPECT_NE(std::string(onboard_last_error()).find("context"), std::string::npos);
  onboard_session_free(s);
  onboard_model_free(m);
}

struct CancelAfter {
  onboard_session* session;
  int n = 0;
};

int cancel_after_three(void* user, int32_t, const char*, size_t) {
  auto* c = static_cast<CancelAfter*>(user);
  if (++c->n == 3) onboard_session_cancel(c->session);
  return 1;
}

TEST(CApi, CancelStopsGeneration) {
  onboard_model* m = nullptr;
  ASSERT_EQ(onboard_model_load((kModels + "tiny-llama.gguf").c_str(), &m), ONBOARD_OK);
  onboard_session_params p = onboard_session_default_params();
  p.temperature = 0;
  p.n_ctx = 128;
  onboard_session* s = nullptr;
  ASSERT_EQ(onboard_session_create(m, &p, &s), ONBOARD_OK);
  int32_t prompt[] = {0, 128803, 2788};
  CancelAfter c{s};
  EXPECT_EQ(onboard_generate(s, prompt, 3, 50, cancel_after_three, &c), ONBOARD_ERR_CANCELLED);
  EXPECT_EQ(c.n, 3);
  onboard_session_free(s);
  onboard_model_free(m);
}

int collect_text(void* user, int32_t, const char* text, size_t len) {
  static_cast<std::string*>(user)->append(text, len);
  return 1;
}

TEST(CApi, JsonSchemaAndGrammarConstrainGenerationAndBadOnesAreNamed) {
  onboard_model* m = nullptr;
  ASSERT_EQ(onboard_model_load((kModels + "tiny-qwen2.gguf").c_str(), &m), ONBOARD_OK);
  onboard_session_params p = onboard_session_default_params();
  p.temperature = 1;  // random weights at temperature 1: only the grammar keeps it in shape
  p.n_ctx = 256;
  onboard_session* s = nullptr;
  ASSERT_EQ(onboard_session_create(m, &p, &s), ONBOARD_OK);
  ASSERT_EQ(onboard_session_set_json_schema(s, R"({"enum": ["open", "close"]})"), ONBOARD_OK) << onboard_last_error();
  std::string out;
  const int32_t prompt[] = {151646, 14880};
  ASSERT_EQ(onboard_generate(s, prompt, 2, 40, collect_text, &out), ONBOARD_OK) << onboard_last_error();
  EXPECT_TRUE(out == "\"open\"" || out == "\"close\"") << out;

  onboard_session_reset(s);
  ASSERT_EQ(onboard_session_set_grammar(s, "root ::= [0-9]{3}"), ONBOARD_OK);
  out.clear();
  ASSERT_EQ(onboard_generate(s, prompt, 2, 40, collect_text, &out), ONBOARD_OK) << onboard_last_error();
  ASSERT_EQ(out.size(), 3u) << out;
  for (char c : out) EXPECT_TRUE(c >= '0' && c <= '9') << out;

  EXPECT_EQ(onboard_session_set_grammar(s, "root ::= nope"), ONBOARD_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(onboard_last_error()).find("grammar:1:10: undefined rule 'nope'"), std::string::npos);
  EXPECT_EQ(onboard_session_set_json_schema(s, R"({"type": "integer", "multipleOf": 2})"), ONBOARD_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(onboard_last_error()).find("'multipleOf'"), std::string::npos);
  EXPECT_EQ(onboard_session_set_json_schema(s, nullptr), ONBOARD_OK);
  onboard_session_free(s);
  onboard_model_free(m);
}

TEST(CApi, DetokenizeRejectsBadIds) {
  onboard_model* m = nullptr;
  ASSERT_EQ(onboard_model_load((kModels + "tiny-qwen2.gguf").c_str(), &m), ONBOARD_OK);
  int32_t bad[] = {14880, -5};
  char buf[64];
  size_t len = 0;
  EXPECT_EQ(onboard_detokenize(m, bad, 2, buf, sizeof buf, &len), ONBOARD_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(onboard_last_error()).find("index 1"), std::string::npos);
  int32_t good[] = {14880};
  ASSERT_EQ(onboard_detokenize(m, good, 1, buf, sizeof buf, &len), ONBOARD_OK);
  EXPECT_GT(len, 0u);
  onboard_model_free(m);
}

}  // namespace
