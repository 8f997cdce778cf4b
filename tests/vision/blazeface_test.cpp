// BlazeFace post-processing: the anchor grid MediaPipe's SsdAnchorsCalculator gives the short
// range model, decoding, and weighted NMS.
#include "vision/blazeface.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace onboard::vision {
namespace {

TEST(BlazeFace, ShortRangeAnchorGrid) {
  const std::vector<Anchor> a = blazeface_short_range_anchors();
  ASSERT_EQ(a.size(), 896u);
  // Stride 8: 16x16 cells, two anchors per cell, row-major; the first centre is half a cell in.
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[2].x, 1.5f / 16);
  EXPECT_FLOAT_EQ(a[32].y, 1.5f / 16);
  // Strides 16 (three layers share the 8x8 cells): six anchors per cell from index 512.
  EXPECT_FLOAT_EQ(a[512].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[517].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[518].x, 1.5f / 8);
  EXPECT_FLOAT_EQ(a[895].x, 7.5f / 8);
  EXPECT_FLOAT_EQ(a[895].y, 7.5f / 8);
}

TEST(BlazeFace, DecodesOffsetsAgainstTheAnchor) {
  const std::vector<Anchor> anchors = {{0.5f, 0.25f}, {0.1f, 0.1f}};
  std::vector<float> reg(32, 0.0f);
  reg[0] = 12.8f;  // +0.1 in x
  reg[2] = 25.6f;  // width 0.2
  reg[3] = 12.8f;  // height 0.1
  reg[4] = -12.8f;  // right eye at x - 0.1
  const float scores[] = {2.0f, -3.0f};  // sigmoid 0.88 kept, 0.047 dropped
  std::vector<RawDetection> candidates, out;
  decode_blazeface(reg.data(), scores, anchors, BlazeFaceOptions{}, candidates, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].x0, 0.5f, 1e-6);
  EXPECT_NEAR(out[0].x1, 0.7f, 1e-6);
  EXPECT_NEAR(out[0].y0, 0.2f, 1e-6);
  EXPECT_NEAR(out[0].y1, 0.3f, 1e-6);
  EXPECT_NEAR(out[0].score, 1 / (1 + std::exp(-2.0f)), 1e-6);
  EXPECT_NEAR(out[0].keypoints[0].x, 0.4f, 1e-6);
}

TEST(BlazeFace, WeightedNmsAveragesOverlapsAndKeepsSeparateFaces) {
  std::vector<RawDetection> c = {
      {0.0f, 0.0f, 1.0f, 1.0f, 0.6f, {}},
      {0.1f, 0.0f, 1.1f, 1.0f, 0.9f, {}},  // overlaps the first (IoU 0.82): merged into it
      {3.0f, 3.0f, 4.0f, 4.0f, 0.7f, {}},  // a separate face
  };
  std::vector<RawDetection> out;
  weighted_nms(c, 0.3f, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);  // best first, its own score
  EXPECT_NEAR(out[0].x0, (0.1f * 0.9f + 0.0f * 0.6f) / 1.5f, 1e-6);
  EXPECT_NEAR(out[0].x1, (1.1f * 0.9f + 1.0f * 0.6f) / 1.5f, 1e-6);
  EXPECT_FLOAT_EQ(out[1].x0, 3.0f);
}

}  // namespace
}  // namespace onboard::vision
