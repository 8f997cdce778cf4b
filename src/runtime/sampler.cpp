#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>

namespace onboard::runtime {

Sampler::Sampler(int64_t n_vocab, const SamplerParams& params)
    : n_vocab_(n_vocab), params_(params), rng_(params.seed) {
  cand_.resize(n_vocab);
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
  const bool penalize = recent_size_ > 0 && (params_.repetition_penalty != 1.0f || params_.presence_penalty != 0.0f ||
                                             params_.frequency_penalty != 0.0f);
  if (params_.temperature <= 0.0f && !penalize) return argmax(logits, n_vocab_);

  for (int64_t i = 0; i < n_vocab_; ++i) cand_[i] = {static_cast<int32_t>(i), logits[i]};
  if (penalize) apply_penalties(cand_);
  auto by_logit = [](const Candidate& a, const Candidate& b) { return a.logit > b.logit || (a.logit == b.logit && a.id < b.id); };
  if (params_.temperature <= 0.0f) return std::min_element(cand_.begin(), cand_.end(), by_logit)->id;

  // top-k: keep the k best (sorted); otherwise sort everything once.
  int64_t n = n_vocab_;
  if (params_.top_k > 0 && params_.top_k < n) {
    std::partial_sort(cand_.begin(), cand_.begin() + params_.top_k, cand_.begin() + n, by_logit);
    n = params_.top_k;
  } else {
    std::sort(cand_.begin(), cand_.begin() + n, by_logit);
  }
  // Softmax of the survivors (at temperature 1, as the filters see them).
  auto softmax = [&](int64_t m, float temp) {
    const float mx = cand_[0].logit;
    double sum = 0;
    for (int64_t i = 0; i < m; ++i) {
      probs_[i] = std::exp((cand_[i].logit - mx) / temp);
      sum += probs_[i];
    }
    for (int64_t i = 0; i < m; ++i) probs_[i] = static_cast<float>(probs_[i] / sum);
  };
  softmax(n, 1.0f);
  // top-p: the smallest prefix whose mass reaches p.
  if (params_.top_p > 0.0f && params_.top_p < 1.0f) {
    double cum = 0;
    int64_t keep = n;
    for (int64_t i = 0; i < n; ++i) {
      cum += probs_[i];
      if (cum >= params_.top_p) {
        keep = i + 1;
        break;
      }
    }
    n = keep;
  }
  // min-p: drop tokens below min_p times the best probability.
  if (params_.min_p > 0.0f) {
    const float floor = params_.min_p * probs_[0];
    int64_t keep = 1;
    while (keep < n && probs_[keep] >= floor) ++keep;
    n = keep;
  }
  softmax(n, params_.temperature);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double r = uniform(rng_);
  double cum = 0;
  for (int64_t i = 0; i < n; ++i) {
    cum += probs_[i];
    if (r < cum) return cand_[i].id;
  }
  return cand_[n - 1].id;
}

}  // namespace onboard::runtime
