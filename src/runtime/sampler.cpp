#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>

namespace onboard::runtime {

Sampler::Sampler(int64_t n_vocab, const SamplerParams& params)
    : n_vocab_(n_vocab), params_(params), rng_(params.seed) {
  cand_.resize(n_vocab);
  if (!params.logit_bias.empty()) biased_.resize(n_vocab);
  probs_.resize(n_vocab);
  recent_.assign(std::max(0, params.penalty_last_n), 0);
  counts_.assign(n_vocab, 0);
}

void Sampler::reset() {
  rng_.seed(params_.seed);
  std::fill(counts_.begin(), counts_.end(), 0);
  recent_head_ = recent_size_ = 0;
}

void Sampler::accept(int32_t token) {
  if (recent_.empty() || token < 0 || token >= n_vocab_) return;
  if (recent_size_ == static_cast<int64_t>(recent_.size())) {
    --counts_[recent_[recent_head_]];
  } else {
    ++recent_size_;
  }
  recent_[recent_head_] = token;
  ++counts_[token];
  recent_head_ = (recent_head_ + 1) % static_cast<int64_t>(recent_.size());
}

int32_t Sampler::argmax(const float* logits, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (logits[i] > logits[best]) best = i;
  return static_cast<int32_t>(best);
}

void Sampler::apply_penalties(std::vector<Candidate>& c) const {
  for (auto& x : c) {
    const int32_t n = counts_[x.id];
    if (n == 0) continue;
    if (params_.repetition_penalty != 1.0f)
      x.logit = x.logit > 0 ? x.logit / params_.repetition_penalty : x.logit * params_.repetition_penalty;
    x.logit -= static_cast<float>(n) * params_.frequency_penalty + params_.presence_penalty;
  }
}

int32_t Sampler::sample(const float* logits) {
  if (!params_.logit_bias.empty()) {
    std::copy(logits, logits + n_vocab_, biased_.begin());
    for (const auto& [id, bias] : params_.logit_bias)
      if (id >= 0 && id < n_vocab_) biased_[id] = bias <= -100.0f ? -INFINITY : biased_[id] + bias;
    logits = biased_.data();
  }
  const bool penalize = recent_size_ > 0 && (params_.repetition_penalty != 1.0f || params_.presence_penalty != 0.0f ||
                                             params_.frequency_penalty != 0.0f);
  if (params_.temperature <= 0.0f && !penalize) return argmax(logits, n_vocab_);

  for (int64_t i = 0; i < n_vocab_; ++i) cand_[i] = {static_cast<int32_t>(i), logits[i]};
  if (penalize) apply_penalties(cand_);
  auto by_logit = [](const Candidate& a, const Candidate& b) { return a.logit > b.logit || (a.logit == b.logit && a.id < b.id); };
  auto first = cand_.begin();
  if (params_.temperature <= 0.0f) return std::min_element(first, cand_.end(), by_logit)->id;

  // top-k: the k best, in any order.
  int64_t n = n_vocab_;
  if (params_.top_k > 0 && params_.top_k < n) {
    std::nth_element(first, first + params_.top_k - 1, first + n, by_logit);
    n = params_.top_k;
  }
  // Probabilities at temperature 1 over the top-k set, as the filters see them.
  float max_logit = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max_logit = std::max(max_logit, cand_[i].logit);
  double z = 0;
  for (int64_t i = 0; i < n; ++i) z += std::exp(static_cast<double>(cand_[i].logit - max_logit));
  // min-p keeps tokens whose probability is at least min_p times the best one's.
  if (params_.min_p > 0.0f) {
    const float floor = max_logit + std::log(params_.min_p);
    n = std::partition(first, first + n, [&](const Candidate& c) { return c.logit >= floor; }) - first;
  }
  // top-p keeps the smallest sorted prefix whose mass reaches p. Sorting only a growing
  // prefix avoids sorting the whole vocabulary on every token.
  int64_t keep = n;
  if (params_.top_p > 0.0f && params_.top_p < 1.0f) {
    for (int64_t k = std::min<int64_t>(n, 64);; k = std::min<int64_t>(n, k * 4)) {
      std::partial_sort(first, first + k, first + n, by_logit);
      double cum = 0;
      int64_t i = 0;
      for (; i < k; ++i) {
        cum += std::exp(static_cast<double>(cand_[i].logit - max_logit)) / z;
        if (cum >= params_.top_p) break;
      }
      if (i < k) {
        keep = i + 1;
        break;
      }
      if (k == n) break;
    }
  }
  // Draw from the survivors at the temperature.
  double total = 0;
  for (int64_t i = 0; i < keep; ++i) {
    probs_[i] = static_cast<float>(std::exp(static_cast<double>(cand_[i].logit - max_logit) / params_.temperature));
    total += probs_[i];
  }
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double r = uniform(rng_) * total;
  double cum = 0;
  for (int64_t i = 0; i < keep; ++i) {
    cum += probs_[i];
    if (r < cum) return cand_[i].id;
  }
  return cand_[keep - 1].id;
}

}  // namespace onboard::runtime
