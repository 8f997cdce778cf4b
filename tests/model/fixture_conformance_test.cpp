// Every dense fixture model against its independent reference (shared/fixtures/README.md):
// logits at every prompt position and along 16 greedy steps, on 1 and 2 threads, with an
// F32 KV cache (atol_f32) and an F16 one (0.05).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/gguf.h"
#include "model/model.h"
#include "runtime/sampler.h"

namespace onboard::model {
namespace {

const std::string kModels = std::string(ONBOARD_FIXTURES_DIR) + "/models/";

struct Expected_ {
  std::vector<int32_t> prompt, greedy, cols;
  std::vector<float> logits_last;
  std::vector<std::vector<float>> all_sampled, step_sampled;
  float atol = 0;
  std::vector<float> gaps;
};

Expected_ read_expected(const std::string& name) {
  std::ifstream in(kModels + name + ".expected.json");
  auto j = nlohmann::json::parse(in);
  Expected_ e;
  e.prompt = j["prompt_tokens"].get<std::vector<int32_t>>();
  e.greedy = j["greedy_tokens"].get<std::vector<int32_t>>();
  e.cols = j["sample_cols"].get<std::vector<int32_t>>();
  e.logits_last = j["logits_last"].get<std::vector<float>>();
  e.all_sampled = j["all_logits_sampled"].get<std::vector<std::vector<float>>>();
  e.step_sampled = j["step_logits_sampled"].get<std::vector<std::vector<float>>>();
  e.atol = j["atol_f32"].get<float>();
  for (const auto& s : j["steps"]) e.gaps.push_back(s["gap"].get<float>());
  return e;
}

float max_diff_at(const float* logits, const std::vector<int32_t>& cols, const std::vector<float>& expected) {
  float d = 0;
  for (size_t j = 0; j < cols.size(); ++j) d = std::max(d, std::fabs(logits[cols[j]] - expected[j]));
  return d;
}

struct Case {
  const char* model;
  int threads;
  GgmlType kv;
};

class DenseFixture : public ::testing::TestWithParam<Case> {};

TEST_P(DenseFixture, MatchesReferenceLogitsAndGreedy) {
  const Case c = GetParam();
  const Expected_ e = read_expected(c.model);
  auto file = gguf::GgufFile::open(kModels + c.model + ".gguf");
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto model = load_model(std::move(*file));
  ASSERT_TRUE(model.ok()) << model.error().message;
  const float tol = c.kv == GgmlType::F32 ? e.atol : 0.05f;

  StateOptions opt;
  opt.n_ctx = 64;
  opt.n_batch = 32;
  opt.n_threads = c.threads;
  opt.kv_type = c.kv;
  opt.all_logits = true;
  auto state = (*model)->new_state(opt);
  ASSERT_TRUE(state.ok()) << state.error().message;
  ThreadPool pool(c.threads);
  ForwardState& s = **state;

  // Prompt in one causal batch: every position's logits.
  ASSERT_TRUE((*model)->forward(s, e.prompt, 0, pool).ok());
  ASSERT_EQ(s.n_logits(), static_cast<int64_t>(e.prompt.size()));
  ASSERT_EQ(s.n_vocab(), static_cast<int64_t>(e.logits_last.size()));
  for (size_t p = 0; p < e.prompt.size(); ++p)
    EXPECT_LE(max_diff_at(s.logits(p), e.cols, e.all_sampled[p]), tol) << "prompt position " << p;
  const float* last = s.logits(e.prompt.size() - 1);
  float full = 0;
  for (size_t i = 0; i < e.logits_last.size(); ++i) full = std::max(full, std::fabs(last[i] - e.logits_last[i]));
  EXPECT_LE(full, tol) << "full-vocabulary logits at the last prompt position";

  // 16 greedy steps with the KV cache, one token at a time. Each step's logits are checked
  // against the reference row; a divergence is allowed only at a near-tie (README rule).
  std::vector<float> row(last, last + s.n_vocab());
  int64_t pos = static_cast<int64_t>(e.prompt.size());
  for (size_t step = 0; step < e.greedy.size(); ++step) {
    const float d = max_diff_at(row.data(), e.cols, e.step_sampled[step]);
    EXPECT_LE(d, tol) << "greedy step " << step;
    const int32_t chosen = runtime::Sampler::argmax(row.data(), s.n_vocab());
    if (chosen != e.greedy[step]) {
      ASSERT_LT(e.gaps[step], 4 * d) << "greedy step " << step << " chose " << chosen << ", reference " << e.greedy[step];
      break;  // a near-tie: later steps are not comparable
    }
    const int32_t tok = e.greedy[step];
    ASSERT_TRUE((*model)->forward(s, std::span<const int32_t>(&tok, 1), pos++, pool).ok());
    row.assign(s.logits(0), s.logits(0) + s.n_vocab());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DenseFixture,
                         ::testing::Values(Case{"tiny-qwen2", 1, GgmlType::F32}, Case{"tiny-qwen2", 2, GgmlType::F32},
                                           Case{"tiny-llama", 1, GgmlType::F32}, Case{"tiny-llama", 2, GgmlType::F32},
                                           Case{"tiny-qwen2", 2, GgmlType::F16}, Case{"tiny-llama", 2, GgmlType::F16}),
                         [](const auto& info) {
                           std::string n = std::string(info.param.model) + "_t" + std::to_string(info.param.threads) +
                                           (info.param.kv == GgmlType::F32 ? "_kvf32" : "_kvf16");
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

TEST(DenseModel, SameGreedyOutputOnEveryThreadCount) {
  auto run = [](int threads) {
    auto file = gguf::GgufFile::open(kModels + "tiny-qwen2.gguf");
    auto model = load_model(std::move(*file));
    StateOptions opt;
    opt.n_ctx = 64;
    opt.n_threads = threads;
    auto state = (*model)->new_state(opt);
    ThreadPool pool(threads);
    std::vector<int32_t> toks = {151646, 151644, 14880, 104089};
    std::vector<float> logits;
    int64_t pos = 0;
    std::vector<int32_t> out;
    EXPECT_TRUE((*model)->forward(**state, toks, pos, pool).ok());
    pos += toks.size();
    for (int i = 0; i < 8; ++i) {
      const int32_t t = runtime::Sampler::argmax((*state)->logits(0), (*state)->n_vocab());
      out.push_back(t);
      EXPECT_TRUE((*model)->forward(**state, std::span<const int32_t>(&t, 1), pos++, pool).ok());
    }
    logits.assign((*state)->logits(0), (*state)->logits(0) + (*state)->n_vocab());
    return std::make_pair(out, logits);
  };
  const auto one = run(1);
  for (int t : {2, 3, 4}) {
    const auto other = run(t);
    EXPECT_EQ(other.first, one.first) << t << " threads";
    EXPECT_EQ(other.second, one.second) << t << " threads: logits must be bit-identical";
  }
}

TEST(DenseModel, ContextOverflowIsAnError) {
  auto file = gguf::GgufFile::open(kModels + "tiny-llama.gguf");
  auto model = load_model(std::move(*file));
  ASSERT_TRUE(model.ok());
  StateOptions opt;
  opt.n_ctx = 4;
  auto state = (*model)->new_state(opt);
  ThreadPool pool(1);
  std::vector<int32_t> toks = {0, 1, 2};
  ASSERT_TRUE((*model)->forward(**state, toks, 0, pool).ok());
  auto st = (*model)->forward(**state, toks, 3, pool);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(st.error().message.find("context full"), std::string::npos) << st.error().message;
  const int32_t bad = 1 << 30;
  auto st2 = (*model)->forward(**state, std::span<const int32_t>(&bad, 1), 3, pool);
  ASSERT_FALSE(st2.ok());
  EXPECT_NE(st2.error().message.find("outside the vocabulary"), std::string::npos);
}

}  // namespace
}  // namespace onboard::model
