// DeepSeek YaRN (reference §4.4): correction range, blended frequencies, attention mscale.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/rope.h"

namespace onboard::kernels {
namespace {

TEST(Yarn, CorrectionRangeForTheReferenceValues) {
  // d = 64, base 1e4, original context 4096, beta_fast 32, beta_slow 1: corr = 10.47 / 22.51.
  const YarnRange r = yarn_correction_range(32, 1, 64, 10000, 4096);
  EXPECT_EQ(r.low, 10);
  EXPECT_EQ(r.high, 23);
}

TEST(Yarn, FrequenciesKeptBelowLowDividedAboveHigh) {
  const std::vector<float> base = rope_inv_freq(10000, 64, {});
  const std::vector<float> yarn = yarn_inv_freq(10000, 64, 40, 4096, 32, 1);
  ASSERT_EQ(yarn.size(), 32u);
  for (int i = 0; i <= 10; ++i) EXPECT_EQ(yarn[i], base[i]) << i;
  for (int i = 23; i < 32; ++i) EXPECT_FLOAT_EQ(yarn[i], base[i] / 40) << i;
  // Pair 16 is 6/13 of the way along the ramp: keep = 7/13 of the original frequency.
  const float keep = 1.0f - 6.0f / 13.0f;
  EXPECT_FLOAT_EQ(yarn[16], base[16] / 40 * (1 - keep) + base[16] * keep);
}

TEST(Yarn, AttentionMscale) {
  EXPECT_NEAR(yarn_mscale(40, 1.0), 1.368888, 1e-6);    // V3
  EXPECT_NEAR(yarn_mscale(40, 0.707), 1.260804, 1e-6);  // V2 / V2-Lite
  EXPECT_EQ(yarn_mscale(1, 1.0), 1.0);
}

}  // namespace
}  // namespace onboard::kernels
