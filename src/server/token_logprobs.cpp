#include "server/token_logprobs.h"

#include <algorithm>
#include <cmath>

namespace onboard::server {

void token_logprobs(const float* logits, int64_t n_vocab, int32_t token, int n_top, TokenLogprob& out) {
  float max = logits[0];
  for (int64_t i = 1; i < n_vocab; ++i) max = std::max(max, logits[i]);
  double sum = 0;  // double: 150k terms
  for (int64_t i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - max));
  const float log_z = max + static_cast<float>(std::log(sum));
  out.token = token;
  out.logprob = logits[token] - log_z;

  // Top n by insertion into a short sorted list: n is at most 20, the vocabulary large.
  const size_t n = static_cast<size_t>(std::clamp<int64_t>(n_top, 0, n_vocab));
  out.top.clear();
  auto better = [](const std::pair<int32_t, float>& a, const std::pair<int32_t, float>& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  };
  for (int64_t i = 0; i < n_vocab && n > 0; ++i) {
    const std::pair<int32_t, float> c{static_cast<int32_t>(i), logits[i]};
    if (out.top.size() == n && !better(c, out.top.back())) continue;
    if (out.top.size() == n) out.top.pop_back();
    out.top.insert(std::upper_bound(out.top.begin(), out.top.end(), c, better), c);
  }
  for (auto& [id, lp] : out.top) lp -= log_z;
}

}  // namespace onboard::server
