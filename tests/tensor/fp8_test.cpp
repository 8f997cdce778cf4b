// FP8 e4m3fn (reference §5.1) against its definition, over all 256 codes, and the 128x128
// block scales of §5.2 (a multiplier; edge blocks partial).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor/fp8.h"

namespace onboard {
namespace {

// (-1)^s * 2^(e-7) * (1 + m/8) for e > 0, (-1)^s * 2^-6 * m/8 for e == 0, NaN for S.1111.111.
double e4m3_by_definition(int code) {
  const int s = (code >> 7) & 1, e = (code >> 3) & 15, m = code & 7;
  if (e == 15 && m == 7) return std::nan("");
  const double mag = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, e - 7);
  return s ? -mag : mag;
}

TEST(Fp8E4m3, EveryCodeDecodesAsTheFormatDefines) {
  for (int c = 0; c < 256; ++c) {
    const float got = fp8_e4m3_to_float(static_cast<uint8_t>(c));
    const double want = e4m3_by_definition(c);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << "code " << c;
    } else {
      EXPECT_EQ(static_cast<double>(got), want) << "code " << c;
      EXPECT_EQ(std::signbit(got), (c & 0x80) != 0) << "code " << c;
    }
  }
  EXPECT_EQ(fp8_e4m3_to_float(0x7E), 448.0f);   // largest finite
  EXPECT_EQ(fp8_e4m3_to_float(0x01), 1.0f / 512);  // smallest subnormal 2^-9
  EXPECT_TRUE(std::isnan(fp8_e4m3_to_float(0x7F)));
  EXPECT_TRUE(std::isnan(fp8_e4m3_to_float(0xFF)));
}

TEST(Fp8E4m3, EncodeRoundTripsEveryFiniteCodeAndRoundsToNearestEven) {
  for (int c = 0; c < 256; ++c) {
    if ((c & 0x7F) == 0x7F) continue;
    EXPECT_EQ(float_to_fp8_e4m3(fp8_e4m3_to_float(static_cast<uint8_t>(c))), c) << "code " << c;
  }
  // Between 1 (0x38) and 1.125 (0x39): the midpoint goes to the even mantissa, 1.
  EXPECT_EQ(float_to_fp8_e4m3(1.0625f), 0x38);
  EXPECT_EQ(float_to_fp8_e4m3(1.07f), 0x39);
  EXPECT_EQ(float_to_fp8_e4m3(1.1875f), 0x3A);  // midpoint of 1.125 and 1.25 -> even (1.25)
  // Subnormal midpoint 1.5 * 2^-9 -> 2 * 2^-9 (even).
  EXPECT_EQ(float_to_fp8_e4m3(1.5f / 512), 0x02);
  // No infinities: large magnitudes saturate to +-448.
  EXPECT_EQ(float_to_fp8_e4m3(1e9f), 0x7E);
  EXPECT_EQ(float_to_fp8_e4m3(-460.0f), 0xFE);
  EXPECT_EQ(float_to_fp8_e4m3(std::nanf("")), 0x7F);
}

TEST(Fp8Blocks, ScaleMultipliesPerBlockIncludingPartialEdgeBlocks) {
  const int64_t rows = 130, cols = 260;  // 2 x 3 blocks, the last ones partial
  std::vector<uint8_t> q(rows * cols);
  for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<uint8_t>((i * 37) % 256 == 0x7F ? 0 : (i * 37) % 256 & 0xFE);
  const std::vector<float> scale = {0.5f, 2.0f, 3.0f, 0.25f, 1.5f, 8.0f};
  std::vector<float> w(rows * cols);
  dequantize_fp8_blocks(q.data(), scale.data(), rows, cols, w.data());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const double want = e4m3_by_definition(q[r * cols + c]) * scale[(r / 128) * 3 + c / 128];
      ASSERT_EQ(static_cast<double>(w[r * cols + c]), want) << r << "," << c;
    }
}

TEST(Fp8Blocks, QuantizeUsesAmaxOver448AndStaysWithinHalfAStep) {
  const int64_t rows = 129, cols = 131;
  std::vector<float> w(rows * cols);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.37 * i) * (i % 128 < 64 ? 3.0f : 0.01f);
  std::vector<uint8_t> q(w.size());
  std::vector<float> scale(4);
  quantize_fp8_blocks(w.data(), rows, cols, q.data(), scale.data());
  for (int b = 0; b < 4; ++b) {
    float amax = 0;
    for (int64_t r = (b / 2) * 128; r < std::min<int64_t>(rows, (b / 2 + 1) * 128); ++r)
      for (int64_t c = (b % 2) * 128; c < std::min<int64_t>(cols, (b % 2 + 1) * 128); ++c) amax = std::max(amax, std::fabs(w[r * cols + c]));
    EXPECT_FLOAT_EQ(scale[b], amax / 448.0f) << "block " << b;
  }
  std::vector<float> back(w.size());
  dequantize_fp8_blocks(q.data(), scale.data(), rows, cols, back.data());
  for (size_t i = 0; i < w.size(); ++i) {
    const float s = scale[((i / cols) / 128) * 2 + (i % cols) / 128];
    // e4m3 has 3 mantissa bits: relative step 1/8, so error <= 1/16 of the value (or of 2^-6 s).
    EXPECT_LE(std::fabs(back[i] - w[i]), std::max(std::fabs(w[i]) / 16, s * 0.015625f / 16) * 1.0001f) << i;
  }
}

}  // namespace
}  // namespace onboard
