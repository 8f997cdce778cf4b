// Reading a fixture model's independent reference (shared/fixtures/README.md) and checking
// an engine run against it: every prompt position, the full last row, 16 greedy steps with
// the near-tie rule.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/gguf.h"
#include "model/model.h"
#include "runtime/sampler.h"

namespace onboard::model::testing {

inline const std::string kModels = std::string(ONBOARD_FIXTURES_DIR) + "/models/";

struct Reference {
  std::vector<int32_t> prompt, greedy, cols;
  std::vector<float> logits_last;
  std::vector<std::vector<float>> all_sampled, step_sampled;
  float atol = 0;
  std::vector<float> gaps;
};

inline Reference read_reference(const std::string& name) {
  std::ifstream in(kModels + name + ".expected.json");
  auto j = nlohmann::json::parse(in);
  Reference e;
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

inline float max_diff_at(const float* logits, const std::vector<int32_t>& cols, const std::vector<float>& expected) {
  float d = 0;
  for (size_t j = 0; j < cols.size(); ++j) d = std::max(d, std::fabs(logits[cols[j]] - expected[j]));
  return d;
}

inline std::unique_ptr<Model> load_fixture(const std::string& name) {
  auto file = gguf::GgufFile::open(kModels + name + ".gguf");
  EXPECT_TRUE(file.ok()) << file.error().message;
  if (!file.ok()) return nullptr;
  auto model = load_model(std::move(*file));
  EXPECT_TRUE(model.ok()) << model.error().message;
  return model.ok() ? std::move(*model) : nullptr;
}

// Runs the prompt in one causal batch, then 16 greedy steps one token at a time, and checks
// the logits against the reference with the README's tolerance for the KV cache type.
inline void expect_matches_reference(const Model& model, const Reference& e, int threads, GgmlType kv) {
  const float tol = kv == GgmlType::F32 ? e.atol : 0.05f;
  StateOptions opt;
  opt.n_ctx = 64;
  opt.n_batch = 32;
  opt.n_threads = threads;
  opt.kv_type = kv;
  opt.all_logits = true;
  auto state = model.new_state(opt);
  ASSERT_TRUE(state.ok()) << state.error().message;
  ThreadPool pool(threads);
  ForwardState& s = **state;

  ASSERT_TRUE(model.forward(s, e.prompt, 0, pool).ok());
  ASSERT_EQ(s.n_logits(), static_cast<int64_t>(e.prompt.size()));
  ASSERT_EQ(s.n_vocab(), static_cast<int64_t>(e.logits_last.size()));
  for (size_t p = 0; p < e.prompt.size(); ++p)
    EXPECT_LE(max_diff_at(s.logits(p), e.cols, e.all_sampled[p]), tol) << "prompt position " << p;
  const float* last = s.logits(e.prompt.size() - 1);
  float full = 0;
  for (size_t i = 0; i < e.logits_last.size(); ++i) full = std::max(full, std::fabs(last[i] - e.logits_last[i]));
  EXPECT_LE(full, tol) << "full-vocabulary logits at the last prompt position";

  // A greedy divergence is allowed only at a near-tie (gap < 4 x this step's max diff);
  // later steps are then not comparable.
  std::vector<float> row(last, last + s.n_vocab());
  int64_t pos = static_cast<int64_t>(e.prompt.size());
  for (size_t step = 0; step < e.greedy.size(); ++step) {
    const float d = max_diff_at(row.data(), e.cols, e.step_sampled[step]);
    EXPECT_LE(d, tol) << "greedy step " << step;
    const int32_t chosen = runtime::Sampler::argmax(row.data(), s.n_vocab());
    if (chosen != e.greedy[step]) {
      ASSERT_LT(e.gaps[step], 4 * d) << "greedy step " << step << " chose " << chosen << ", reference " << e.greedy[step];
      break;
    }
    const int32_t tok = e.greedy[step];
    ASSERT_TRUE(model.forward(s, std::span<const int32_t>(&tok, 1), pos++, pool).ok());
    row.assign(s.logits(0), s.logits(0) + s.n_vocab());
  }
}

}  // namespace onboard::model::testing
