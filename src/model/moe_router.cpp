#include "model/moe_router.h"

#include <algorithm>
#include <cmath>

#include "kernels/softmax.h"

namespace onboard::model {
namespace {

// Index of the largest value, the lower index on ties; -1 when every value is -inf.
// Index of the largest entry not yet taken (taken and masked entries are -inf; ties go to the
// lower index). NaN scores, from a broken model, rank below every number but are still picked,
// so the index is always valid.
int64_t argmax(const float* v, int64_t n) {
  int64_t best = -1;
  for (int64_t i = 0; i < n; ++i) {
    if (v[i] == -INFINITY) continue;
    if (best < 0 || v[i] > v[best] || (std::isnan(v[best]) && !std::isnan(v[i]))) best = i;
  }
  return best < 0 ? 0 : best;
}

float group_score(const float* s, int64_t n, GroupScore rule) {
  if (rule == GroupScore::kMax) return *std::max_element(s, s + n);
  float first = -INFINITY, second = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    if (s[i] > first) {
      second = first;
      first = s[i];
    } else if (s[i] > second) {
      second = s[i];
    }
  }
  return n == 1 ? first : first + second;
}

}  // namespace

MoeRouterConfig moe_router_config(const ModelConfig& c) {
  MoeRouterConfig r;
  r.n_expert = c.n_expert;
  r.n_used = c.n_expert_used;
  r.n_group = c.n_expert_group;
  r.n_group_used = c.n_expert_group_used;
  r.gating = c.expert_gating;
  r.normalize = c.expert_weights_norm;
  r.scale = c.expert_weights_scale;
  r.group_score = c.expert_gating == ModelConfig::Gating::kSigmoid ? GroupScore::kTopTwoSum : GroupScore::kMax;
  return r;
}

void MoeRouter::route(const float* logits, const float* bias, int32_t* ids, float* weights, float* scratch) const {
  const int64_t E = c_.n_expert;
  float* score = scratch;           // softmax / sigmoid of the logits: the mixing weights
  float* select = scratch + E;      // score + bias: what selection ranks
  float* groups = scratch + 2 * E;  // one score per group
  float* kept = groups + c_.n_group;  // 1 for the groups selection may use
  std::copy(logits, logits + E, score);
  if (c_.gating == ModelConfig::Gating::kSigmoid)
    kernels::sigmoid(score, E);
  else
    kernels::softmax(score, E);
  for (int64_t e = 0; e < E; ++e) select[e] = bias ? score[e] + bias[e] : score[e];

  if (c_.n_group > 1) {
    const int64_t per_group = E / c_.n_group;
    for (int64_t g = 0; g < c_.n_group; ++g)
      groups[g] = group_score(select + g * per_group, per_group, c_.group_score);
    // Keep the n_group_used best groups and mask every other group's experts with -inf
    // (model.py's masked_fill; biased scores can be negative, so masking with 0 would not exclude).
    std::fill(kept, kept + c_.n_group, 0.0f);
    for (int64_t k = 0; k < c_.n_group_used; ++k) {
      const int64_t g = argmax(groups, c_.n_group);
      kept[g] = 1;
      groups[g] = -INFINITY;
    }
    for (int64_t g = 0; g < c_.n_group; ++g)
      if (!kept[g]) std::fill(select + g * per_group, select + (g + 1) * per_group, -INFINITY);
  }

  float sum = 0;
  for (int64_t k = 0; k < c_.n_used; ++k) {
    const int64_t e = argmax(select, E);
    ids[k] = static_cast<int32_t>(e);
    weights[k] = score[e];
    sum += score[e];
    select[e] = -INFINITY;
  }
  for (int64_t k = 0; k < c_.n_used; ++k) {
    if (c_.normalize) weights[k] /= sum;
    weights[k] *= c_.scale;
  }
}

}  // namespace onboard::model
