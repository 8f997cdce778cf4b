// DeepSeekMoE expert selection (reference §4.5), as DeepSeek's inference/model.py `Gate`:
//   V2-Lite  softmax, one group, plain top-k, weights = p * scale.
//   V2/V2.5  softmax, group_limited_greedy: a group scores by its MAX expert probability
//            (not llama.cpp's top-2 sum), keep the best groups, top-k inside them.
//   V3/R1    sigmoid + e_score_correction_bias (selection only), noaux_tc: a group scores by
//            the sum of its top-2 biased scores, other groups masked with -inf, top-k; weights
//            are the unbiased sigmoids of the chosen experts, normalised to sum 1, * scale.
// Ties in every top-k go to the lower index. No allocation: the caller passes scratch.
#pragma once

#include <cstdint>

#include "model/model_config.h"

namespace onboard::model {

// How a group of experts is scored for group-limited selection: V2's group_limited_greedy
// takes the group's max probability, V3's noaux_tc the sum of its two best biased scores.
enum class GroupScore { kMax, kTopTwoSum };

struct MoeRouterConfig {
  int64_t n_expert = 0;
  int64_t n_used = 0;  // k
  int64_t n_group = 1, n_group_used = 1;
  ModelConfig::Gating gating = ModelConfig::Gating::kSoftmax;
  bool normalize = false;  // expert_weights_norm: weights / sum(weights) before the scale
  float scale = 1.f;       // expert_weights_scale (routed_scaling_factor)
  GroupScore group_score = GroupScore::kMax;
};

// The rule each DeepSeek generation uses: sigmoid gating (V3/R1) scores groups by top-2 sum,
// softmax gating (V2/V2.5) by max.
MoeRouterConfig moe_router_config(const ModelConfig& c);

class MoeRouter {
 public:
  MoeRouter() = default;
  explicit MoeRouter(const MoeRouterConfig& config) : c_(config) {}
  const MoeRouterConfig& config() const { return c_; }

  // Floats of scratch route() needs.
  int64_t scratch_floats() const { return 2 * (c_.n_expert + c_.n_group); }

  // logits: n_expert router outputs; bias: n_expert selection biases or nullptr. Writes the
  // chosen expert ids (best first) and their mixing weights, n_used each.
  void route(const float* logits, const float* bias, int32_t* ids, float* weights, float* scratch) const;

 private:
  MoeRouterConfig c_;
};

}  // namespace onboard::model
