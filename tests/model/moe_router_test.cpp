// Hand-computed DeepSeekMoE routing cases (reference §4.5, fixtures README "routing rules").
#include "model/moe_router.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace onboard::model {
namespace {

struct Routed {
  std::vector<int32_t> ids;
  std::vector<float> weights;
};

Routed route(const MoeRouterConfig& c, const std::vector<float>& logits, const std::vector<float>& bias = {}) {
  MoeRouter r(c);
  Routed out{std::vector<int32_t>(c.n_used), std::vector<float>(c.n_used)};
  std::vector<float> scratch(r.scratch_floats());
  r.route(logits.data(), bias.empty() ? nullptr : bias.data(), out.ids.data(), out.weights.data(), scratch.data());
  return out;
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

// V2: group 0 holds the single best expert (max p = e^3/Z), group 1 two good ones
// (2 e^2.5/Z > (e^3 + 1)/Z). Group max keeps group 0; llama.cpp's top-2 sum would keep group 1.
TEST(MoeRouter, V2GroupMaxDiffersFromTopTwoSum) {
  MoeRouterConfig c{8, 2, 2, 1, ModelConfig::Gating::kSoftmax, false, 16.f, GroupScore::kMax};
  const std::vector<float> logits = {3, 0, 0, 0, 2.5f, 2.5f, 0, 0};
  const double z = std::exp(3.0) + 3 + 2 * std::exp(2.5) + 2;
  const Routed v2 = route(c, logits);
  EXPECT_EQ(v2.ids, (std::vector<int32_t>{0, 1}));  // expert 1 wins the three-way tie by lower id
  EXPECT_NEAR(v2.weights[0], 16 * std::exp(3.0) / z, 1e-5);  // probabilities x 16, not renormalised
  EXPECT_NEAR(v2.weights[1], 16 * 1.0 / z, 1e-5);

  c.group_score = GroupScore::kTopTwoSum;
  EXPECT_EQ(route(c, logits).ids, (std::vector<int32_t>{4, 5}));
}

// V3: the bias lifts expert 2 into the selection, but its weight is its unbiased sigmoid.
TEST(MoeRouter, V3BiasSelectsButDoesNotWeigh) {
  const MoeRouterConfig c{4, 2, 1, 1, ModelConfig::Gating::kSigmoid, true, 2.5f, GroupScore::kTopTwoSum};
  const std::vector<float> logits = {2, 1, 0, -1};
  const Routed plain = route(c, logits);
  EXPECT_EQ(plain.ids, (std::vector<int32_t>{0, 1}));
  const Routed biased = route(c, logits, {0, 0, 3, 0});
  EXPECT_EQ(biased.ids, (std::vector<int32_t>{2, 0}));
  const float s2 = sigmoid(0), s0 = sigmoid(2);  // 0.5, 0.8808
  EXPECT_NEAR(biased.weights[0], 2.5f * s2 / (s2 + s0), 1e-6);
  EXPECT_NEAR(biased.weights[1], 2.5f * s0 / (s2 + s0), 1e-6);
  EXPECT_NEAR(biased.weights[0] + biased.weights[1], 2.5f, 1e-6);
}

// V3 with negative biases: every biased score is below 0, so masking dropped groups with 0
// (HF's masked_fill(0.0)) would pick group 1's experts; -inf keeps the choice inside group 0.
TEST(MoeRouter, DroppedGroupsAreMaskedWithMinusInfinity) {
  const MoeRouterConfig c{6, 2, 2, 1, ModelConfig::Gating::kSigmoid, true, 2.5f, GroupScore::kTopTwoSum};
  const Routed r = route(c, std::vector<float>(6, 0.0f), {-1, -1, -1, -2, -2, -2});
  EXPECT_EQ(r.ids, (std::vector<int32_t>{0, 1}));
  EXPECT_NEAR(r.weights[0], 1.25f, 1e-6);
  EXPECT_NEAR(r.weights[1], 1.25f, 1e-6);
}

// V3 groups score by the sum of their two best: group 1 (0.9 + 0.9) beats group 0 (1.0 + 0.1).
TEST(MoeRouter, V3GroupScoreIsTopTwoSum) {
  const MoeRouterConfig c{4, 1, 2, 1, ModelConfig::Gating::kSigmoid, true, 1.f, GroupScore::kTopTwoSum};
  const std::vector<float> zero(4, 0.0f);
  const Routed r = route(c, zero, {0.5f, -0.4f, 0.4f, 0.4f});
  EXPECT_EQ(r.ids, (std::vector<int32_t>{2}));
  EXPECT_NEAR(r.weights[0], 1.0f, 1e-6);  // a single normalised weight
}

// V2-Lite: softmax over all experts, one group, plain top-k, weights = p * 1.
TEST(MoeRouter, V2LitePlainTopK) {
  const MoeRouterConfig c{4, 2, 1, 1, ModelConfig::Gating::kSoftmax, false, 1.f, GroupScore::kMax};
  const Routed r = route(c, {1, 2, 3, 4});
  EXPECT_EQ(r.ids, (std::vector<int32_t>{3, 2}));
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0) + std::exp(4.0);
  EXPECT_NEAR(r.weights[0], std::exp(4.0) / z, 1e-6);
  EXPECT_NEAR(r.weights[1], std::exp(3.0) / z, 1e-6);
}

TEST(MoeRouter, TiesGoToTheLowerExpertId) {
  const MoeRouterConfig c{4, 2, 1, 1, ModelConfig::Gating::kSoftmax, false, 1.f, GroupScore::kMax};
  EXPECT_EQ(route(c, {0, 1, 1, 1}).ids, (std::vector<int32_t>{1, 2}));
}

TEST(MoeRouter, ConfigRulePerGeneration) {
  ModelConfig v3;
  v3.n_expert = 256;
  v3.n_expert_used = 8;
  v3.n_expert_group = 8;
  v3.n_expert_group_used = 4;
  v3.expert_gating = ModelConfig::Gating::kSigmoid;
  EXPECT_EQ(moe_router_config(v3).group_score, GroupScore::kTopTwoSum);
  ModelConfig v2 = v3;
  v2.expert_gating = ModelConfig::Gating::kSoftmax;
  EXPECT_EQ(moe_router_config(v2).group_score, GroupScore::kMax);
}

}  // namespace
}  // namespace onboard::model
