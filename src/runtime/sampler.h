// Picks the next token from logits (reference §10). Chain, as llama.cpp orders it:
// penalties -> top-k -> top-p -> min-p -> temperature -> draw. temperature <= 0 is greedy
// (arg-max, lowest id on a tie). Buffers are sized for the vocabulary at construction;
// sample() allocates nothing. Same seed, same logits: same choices.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace onboard::runtime {

struct SamplerParams {
  float temperature = 0.6f;  // DeepSeek's recommendation for R1 models
  float top_p = 0.95f;
  int32_t top_k = 0;         // 0 = off
  float min_p = 0.0f;        // 0 = off
  float repetition_penalty = 1.0f;  // 1 = off (HF/llama.cpp "repeat penalty")
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  int32_t penalty_last_n = 64;      // how many recent tokens the penalties look at
  uint64_t seed = 0;
  // Added to a token's logit before anything else (OpenAI's logit_bias); -100 bans the token.
  std::vector<std::pair<int32_t, float>> logit_bias;
};

class Sampler {
 public:
  Sampler(int64_t n_vocab, const SamplerParams& params);

  // Chooses a token; `logits` is not modified.
  int32_t sample(const float* logits);
  // Records a token of the context (prompt or generated) for the penalties.
  void accept(int32_t token);
  void reset();
  const SamplerParams& params() const { return params_; }

  static int32_t argmax(const float* logits, int64_t n);

 private:
  struct Candidate {
    int32_t id;
    float logit;
  };
  void apply_penalties(std::vector<Candidate>& c) const;

  int64_t n_vocab_;
  SamplerParams params_;
  std::mt19937_64 rng_;
  std::vector<Candidate> cand_;
  std::vector<float> biased_;  // the logits with logit_bias applied (sized only when there is one)
  std::vector<float> probs_;
  std::vector<int32_t> recent_;  // ring buffer of the last penalty_last_n tokens
  std::vector<int32_t> counts_;  // occurrences of each id inside the window
  int64_t recent_head_ = 0, recent_size_ = 0;
};

}  // namespace onboard::runtime
