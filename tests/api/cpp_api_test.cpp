// The public C++ API (onboard.hpp): errors as values, tokenize/detokenize round trip, greedy
// generation equal to the fixture reference, stopping from the handler.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "onboard/onboard.hpp"

namespace {

const std::string kModels = std::string(ONBOARD_FIXTURES_DIR) + "/models/";

TEST(CppApi, LoadErrorIsAValueNamingTheFile) {
  auto m = onboard::Model::load("/no/such/model.gguf");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().status, ONBOARD_ERR_NOT_FOUND);
  EXPECT_NE(m.error().message.find("/no/such/model.gguf"), std::string::npos);
}

TEST(CppApi, GeneratesLikeTheReference) {
  std::ifstream in(kModels + "tiny-llama.expected.json");
  const auto j = nlohmann::json::parse(in);
  const auto prompt = j["prompt_tokens"].get<std::vector<int32_t>>();
  const auto greedy = j["greedy_tokens"].get<std::vector<int32_t>>();

  auto model = onboard::Model::load(kModels + "tiny-llama.gguf");
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto ids = model->tokenize(j["prompt_text"].get<std::string>());
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, prompt);
  auto text = model->detokenize(std::vector<int32_t>(prompt.begin() + 1, prompt.end()));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, j["prompt_text"].get<std::string>());

  onboard_session_params p = onboard_session_default_params();
  p.temperature = 0;
  p.kv_f16 = 0;
  p.n_ctx = 64;
  auto session = model->new_session(p);
  ASSERT_TRUE(session.ok()) << session.error().message;
  std::vector<int32_t> out;
  auto err = session->generate(prompt, 16, [&](int32_t tok, std::string_view) {
    if (tok >= 0) out.push_back(tok);
    return true;
  });
  EXPECT_FALSE(err.has_value()) << err->message;
  EXPECT_EQ(out, greedy);

  // Returning false from the handler stops after that token.
  session->reset();
  out.clear();
  err = session->generate(prompt, 16, [&](int32_t tok, std::string_view) {
    out.push_back(tok);
    return out.size() < 3;
  });
  EXPECT_FALSE(err.has_value());
  EXPECT_EQ(out.size(), 3u);
}

}  // namespace
