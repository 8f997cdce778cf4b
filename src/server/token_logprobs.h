// Log-probabilities of a sampled token and of the most likely alternatives, for the API's
// logprobs / top_logprobs. They are the log-softmax of the model's logits for that position
// (before penalties, temperature, top-k/top-p): the model's own distribution, as OpenAI
// reports it, so a value does not change with the request's sampling settings. Under a
// grammar (structured output) they are still the unconstrained distribution: the grammar mask
// is applied to a copy (TokenConstraint::sample), never to the logits passed here.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace onboard::server {

struct TokenLogprob {
  int32_t token = -1;
  float logprob = 0;
  std::vector<std::pair<int32_t, float>> top;  // most likely first; ties: lower id first
};

// Fills `out` for `token` and the `n_top` most likely tokens of `logits` (n_vocab values).
// Reuses out.top's storage.
void token_logprobs(const float* logits, int64_t n_vocab, int32_t token, int n_top, TokenLogprob& out);

}  // namespace onboard::server
