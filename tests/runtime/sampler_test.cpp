// The sampler's filters against probabilities computed here from their definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "runtime/sampler.h"

namespace onboard::runtime {
namespace {

// logits with softmax probabilities 0.5, 0.25, 0.125, 0.0625, ... (ids in order).
std::vector<float> halving_logits(int n) {
  std::vector<float> l(n);
  for (int i = 0; i < n; ++i) l[i] = -static_cast<float>(i) * std::log(2.0f);
  return l;
}

std::map<int32_t, int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
  std::map<int32_t, int> h;
  for (int i = 0; i < draws; ++i) h[s.sample(logits.data())]++;
  return h;
}

TEST(Sampler, GreedyPicksTheLowestIdOnATie) {
  SamplerParams p;
  p.temperature = 0;
  Sampler s(5, p);
  std::vector<float> l = {1, 3, 3, 2, -1};
  EXPECT_EQ(s.sample(l.data()), 1);
  EXPECT_EQ(Sampler::argmax(l.data(), 5), 1);
}

TEST(Sampler, LogitBiasShiftsAndMinus100Bans) {
  SamplerParams p;
  p.temperature = 0;
  p.logit_bias = {{0, -100.0f}, {3, 5.0f}};
  Sampler greedy(5, p);
  std::vector<float> l = {9, 3, 3, 2, -1};
  EXPECT_EQ(greedy.sample(l.data()), 3);  // 2 + 5 beats 3; 0 is banned
  EXPECT_EQ(l[0], 9.0f);                  // the caller's logits are untouched
  // Sampling at temperature 1: a banned token never comes out, even as the favourite; a
  // bias of ln 2 doubles a token's odds (probabilities 1/2, 1/4, ... with 2 and 3 swapped).
  p.temperature = 1;
  p.top_p = 1;
  p.seed = 5;
  p.logit_bias = {{0, -100.0f}, {2, std::log(2.0f)}};
  Sampler s(8, p);
  auto h = histogram(s, halving_logits(8), 4000);
  EXPECT_EQ(h.count(0), 0u);
  EXPECT_NEAR(static_cast<double>(h[2]) / h[1], 1.0, 0.15);  // 0.125·2 = 0.25 = p(1)
}

TEST(Sampler, TopKKeepsOnlyTheKBest) {
  SamplerParams p;
  p.temperature = 1;
  p.top_p = 1;
  p.top_k = 2;
  p.seed = 3;
  Sampler s(8, p);
  auto h = histogram(s, halving_logits(8), 3000);
  EXPECT_EQ(h.size(), 2u);
  // p(0) : p(1) = 2 : 1 after renormalization.
  EXPECT_NEAR(h[0] / 3000.0, 2.0 / 3.0, 0.04);
}

TEST(Sampler, TopPKeepsTheSmallestPrefixReachingP) {
  SamplerParams p;
  p.temperature = 1;
  p.top_p = 0.8f;  // 0.5 + 0.25 = 0.75 < 0.8, + 0.125 = 0.875: three tokens
  p.seed = 4;
  Sampler s(300, p);  // more than the first sorted chunk, so the growing prefix is exercised
  auto h = histogram(s, halving_logits(300), 4000);
  EXPECT_EQ(h.size(), 3u);
  EXPECT_NEAR(h[2] / 4000.0, 0.125 / 0.875, 0.03);
}

TEST(Sampler, TopPNeedingMoreThanTheFirstChunk) {
  std::vector<float> flat(1000, 0.0f);  // uniform: top-p 0.5 keeps 500 tokens
  SamplerParams p;
  p.temperature = 1;
  p.top_p = 0.5f;
  p.seed = 5;
  Sampler s(1000, p);
  auto h = histogram(s, flat, 20000);
  int32_t max_id = 0;
  for (auto& [id, n] : h) max_id = std::max(max_id, id);
  EXPECT_LT(max_id, 500);  // ties are ordered by id: the first 500 ids
  EXPECT_GT(h.size(), 450u);
}

TEST(Sampler, MinPDropsTokensBelowTheFloor) {
  SamplerParams p;
  p.temperature = 1;
  p.top_p = 1;
  p.min_p = 0.2f;  // keeps p >= 0.1: ids 0, 1, 2 (0.5, 0.25, 0.125)
  p.seed = 6;
  Sampler s(10, p);
  auto h = histogram(s, halving_logits(10), 3000);
  EXPECT_EQ(h.size(), 3u);
}

TEST(Sampler, TemperatureSharpens) {
  SamplerParams p;
  p.temperature = 0.5f;  // probabilities squared and renormalized: 0.5² : 0.25² ... → p(0) = 0.75 for 2 tokens
  p.top_p = 1;
  p.seed = 7;
  Sampler s(2, p);
  auto h = histogram(s, halving_logits(2), 8000);
  EXPECT_NEAR(h[0] / 8000.0, 0.8, 0.02);  // 0.25 / (0.25 + 0.0625) = 0.8
}

TEST(Sampler, SameSeedSameChoices) {
  SamplerParams p;
  p.temperature = 1;
  p.seed = 42;
  std::vector<float> l = halving_logits(50);
  Sampler a(50, p), b(50, p);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.sample(l.data()), b.sample(l.data()));
  a.reset();
  Sampler c(50, p);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.sample(l.data()), c.sample(l.data()));
}

TEST(Sampler, PenaltiesLowerRecentTokens) {
  SamplerParams p;
  p.temperature = 0;
  p.repetition_penalty = 4.0f;
  Sampler s(3, p);
  std::vector<float> l = {2.0f, 1.0f, 0.1f};
  EXPECT_EQ(s.sample(l.data()), 0);
  s.accept(0);  // 2.0 / 4 = 0.5 < 1.0
  EXPECT_EQ(s.sample(l.data()), 1);

  SamplerParams q;
  q.temperature = 0;
  q.frequency_penalty = 0.6f;
  q.presence_penalty = 0.0f;
  Sampler f(3, q);
  f.accept(0);
  EXPECT_EQ(f.sample(l.data()), 0);  // 2.0 - 0.6 = 1.4 > 1.0
  f.accept(0);
  EXPECT_EQ(f.sample(l.data()), 1);  // 2.0 - 1.2 = 0.8 < 1.0

  SamplerParams r;
  r.temperature = 0;
  r.presence_penalty = 1.5f;
  r.penalty_last_n = 2;
  Sampler g(3, r);
  g.accept(0);
  EXPECT_EQ(g.sample(l.data()), 1);  // 2.0 - 1.5 = 0.5
  g.accept(1);
  g.accept(2);  // 0 left the 2-token window
  EXPECT_EQ(g.sample(l.data()), 0);
}

}  // namespace
}  // namespace onboard::runtime
