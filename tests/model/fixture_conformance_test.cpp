// Every fixture model (qwen2, llama, deepseek2) against its independent reference
// (shared/fixtures/README.md): logits at every prompt position and along 16 greedy steps, on
// 1 and 2 threads, with an F32 KV cache (atol_f32) and an F16 one (0.05).
#include "fixture_reference.h"

namespace onboard::model {
namespace {

using testing::kModels;

struct Case {
  const char* model;
  int threads;
  GgmlType kv;
};

class FixtureModel : public ::testing::TestWithParam<Case> {};

TEST_P(FixtureModel, MatchesReferenceLogitsAndGreedy) {
  const Case c = GetParam();
  auto model = testing::load_fixture(c.model);
  ASSERT_TRUE(model);
  testing::expect_matches_reference(*model, testing::read_reference(c.model), c.threads, c.kv);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const char* m : {"tiny-qwen2", "tiny-llama", "tiny-v2", "tiny-v2-lite", "tiny-v3-mla"})
    for (int threads : {1, 2})
      for (GgmlType kv : {GgmlType::F32, GgmlType::F16}) cases.push_back({m, threads, kv});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureModel, ::testing::ValuesIn(all_cases()), [](const auto& info) {
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
