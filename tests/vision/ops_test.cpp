// Each optimized vision op against its scalar reference on random shapes, including strides,
// dilations, SAME/VALID padding, odd widths (pixel-block remainders) and channel counts that are
// not multiples of the 16-wide tiles; results must not depend on the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "vision/ops/conv2d.h"
#include "vision/ops/depthwise_conv2d.h"
#include "vision/ops/elementwise.h"
#include "vision/ops/max_pool2d.h"
#include "vision/ops/pad.h"

namespace onboard::vision::ops {
namespace {

std::vector<float> random_values(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, float tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1.0f + std::fabs(want[i]))) << what << " at " << i;
}

struct ConvCase {
  int h, w, in_c, out_c, k, stride, dilation;
  bool same;
  Act act;
};

std::string describe(const ConvCase& c) {
  return std::to_string(c.h) + "x" + std::to_string(c.w) + "x" + std::to_string(c.in_c) + "->" + std::to_string(c.out_c) +
         " k" + std::to_string(c.k) + " s" + std::to_string(c.stride) + " d" + std::to_string(c.dilation) +
         (c.same ? " SAME" : " VALID");
}

Window window_for(const ConvCase& c, Nhwc in, Nhwc& out) {
  const AxisPlan ph = plan_axis(in.h, c.k, c.stride, c.dilation, c.same);
  const AxisPlan pw = plan_axis(in.w, c.k, c.stride, c.dilation, c.same);
  out = {in.n, ph.out, pw.out, c.out_c};
  return {c.k, c.k, c.stride, c.stride, c.dilation, c.dilation, ph.pad_before, pw.pad_before};
}

std::vector<ConvCase> conv_cases(std::mt19937& rng) {
  std::vector<ConvCase> cases = {
      {16, 16, 24, 24, 1, 1, 1, false, Act::kNone},   // the models' 1x1 (a GEMM)
      {128, 128, 3, 24, 5, 2, 1, true, Act::kRelu},   // BlazeFace's first layer
      {1, 1, 64, 1404, 1, 1, 1, false, Act::kNone},   // the mesh's landmark head
      {9, 7, 5, 17, 3, 1, 1, true, Act::kRelu6},
      {10, 13, 8, 33, 3, 2, 1, true, Act::kNone},
      {11, 9, 6, 7, 3, 1, 2, true, Act::kNone},
      {7, 8, 4, 16, 7, 1, 1, true, Act::kNone},
      {5, 6, 3, 5, 2, 2, 1, false, Act::kRelu},
  };
  std::uniform_int_distribution<int> dim(1, 19), ch(1, 40), k(1, 5), s(1, 3), d(1, 2), b(0, 1);
  for (int i = 0; i < 20; ++i) {
    ConvCase c{dim(rng), dim(rng), ch(rng), ch(rng), k(rng), s(rng), d(rng), b(rng) == 1, b(rng) ? Act::kRelu : Act::kNone};
    if ((c.k - 1) * c.dilation + 1 > std::min(c.h, c.w) && !c.same) c.same = true;
    cases.push_back(c);
  }
  return cases;
}

TEST(VisionOps, Conv2dMatchesReferenceOnAnyShapeAndThreadCount) {
  std::mt19937 rng(1);
  ThreadPool pool(3);
  for (const ConvCase& c : conv_cases(rng)) {
    const Nhwc in{1, c.h, c.w, c.in_c};
    Nhwc out;
    const Window win = window_for(c, in, out);
    const std::vector<float> x = random_values(in.size(), rng);
    const std::vector<float> w = random_values(static_cast<size_t>(c.out_c) * c.k * c.k * c.in_c, rng);
    const std::vector<float> bias = random_values(c.out_c, rng);
    std::vector<float> want(out.size()), one(out.size()), three(out.size());
    conv2d_reference(x.data(), in, w.data(), bias.data(), want.data(), out, win, c.act);
    const std::vector<float> packed = pack_conv2d_weights(w.data(), c.out_c, c.k, c.k, c.in_c);
    const std::vector<float> zeros(c.in_c, 0.0f);
    conv2d(x.data(), in, packed.data(), bias.data(), one.data(), out, win, c.act, zeros.data(), nullptr);
    conv2d(x.data(), in, packed.data(), bias.data(), three.data(), out, win, c.act, zeros.data(), &pool);
    expect_close(one, want, 1e-4f, describe(c));
    EXPECT_EQ(one, three) << describe(c) << ": result depends on the thread count";
  }
}

TEST(VisionOps, Conv2dReferenceComputesAKnownValue) {
  // 2x2 input, 1 channel, 3x3 kernel of ones, SAME: each output sums its 3x3 neighbourhood + bias.
  const std::vector<float> x = {1, 2, 3, 4}, w(9, 1.0f), bias = {0.5f};
  std::vector<float> out(4);
  const Nhwc s{1, 2, 2, 1};
  conv2d_reference(x.data(), s, w.data(), bias.data(), out.data(), s, Window{3, 3, 1, 1, 1, 1, 1, 1}, Act::kNone);
  EXPECT_EQ(out, (std::vector<float>{10.5f, 10.5f, 10.5f, 10.5f}));
}

TEST(VisionOps, DepthwiseConv2dMatchesReference) {
  std::mt19937 rng(2);
  ThreadPool pool(2);
  for (ConvCase c : conv_cases(rng)) {
    c.out_c = c.in_c;
    const Nhwc in{1, c.h, c.w, c.in_c};
    Nhwc out;
    const Window win = window_for(c, in, out);
    const std::vector<float> x = random_values(in.size(), rng);
    const std::vector<float> w = random_values(static_cast<size_t>(c.k) * c.k * c.in_c, rng);
    const std::vector<float> bias = random_values(c.in_c, rng);
    std::vector<float> want(out.size()), one(out.size()), two(out.size());
    depthwise_conv2d_reference(x.data(), in, w.data(), bias.data(), want.data(), out, win, c.act);
    depthwise_conv2d(x.data(), in, w.data(), bias.data(), one.data(), out, win, c.act, nullptr);
    depthwise_conv2d(x.data(), in, w.data(), bias.data(), two.data(), out, win, c.act, &pool);
    expect_close(one, want, 1e-5f, describe(c));
    EXPECT_EQ(one, two) << describe(c);
  }
}

TEST(VisionOps, MaxPoolMatchesReferenceAndIgnoresPadding) {
  std::mt19937 rng(3);
  ThreadPool pool(2);
  for (ConvCase c : conv_cases(rng)) {
    c.out_c = c.in_c;
    c.dilation = 1;
    const Nhwc in{1, c.h, c.w, c.in_c};
    Nhwc out;
    const Window win = window_for(c, in, out);
    std::vector<float> x = random_values(in.size(), rng);
    for (float& v : x) v -= 2.0f;  // all negative: a padded zero must never win
    std::vector<float> want(out.size()), got(out.size());
    max_pool2d_reference(x.data(), in, want.data(), out, win, Act::kNone);
    max_pool2d(x.data(), in, got.data(), out, win, Act::kNone, &pool);
    EXPECT_EQ(got, want) << describe(c);
    for (float v : got) ASSERT_LT(v, 0.0f) << describe(c);
  }
}

TEST(VisionOps, PadMatchesReference) {
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> dim(1, 9), p(0, 3);
  for (int i = 0; i < 30; ++i) {
    const Nhwc in{1, dim(rng), dim(rng), dim(rng)};
    Pad4 pad;
    for (int d = 1; d < 4; ++d) {
      pad.before[d] = p(rng);
      pad.after[d] = p(rng);
    }
    const Nhwc out{1, in.h + pad.before[1] + pad.after[1], in.w + pad.before[2] + pad.after[2],
                   in.c + pad.before[3] + pad.after[3]};
    const std::vector<float> x = random_values(in.size(), rng);
    std::vector<float> want(out.size()), got(out.size(), 7.0f);
    pad_reference(x.data(), in, pad, want.data());
    ops::pad(x.data(), in, pad, got.data());
    EXPECT_EQ(got, want);
  }
}

TEST(VisionOps, ElementwiseOps) {
  const std::vector<float> a = {-2, -0.5f, 0, 1, 7}, b = {1, 1, 1, 1, 1};
  std::vector<float> out(5);
  add(a.data(), b.data(), out.data(), 5, Act::kRelu6);
  EXPECT_EQ(out, (std::vector<float>{0, 0.5f, 1, 2, 6}));
  relu(a.data(), out.data(), 5);
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0, 1, 7}));
  // Per-channel alpha over 2 pixels x 2 channels.
  const std::vector<float> x = {-1, -1, 2, -4}, alpha = {0.5f, 0.25f};
  std::vector<float> y(4);
  prelu(x.data(), alpha.data(), 2, y.data(), 4);
  EXPECT_EQ(y, (std::vector<float>{-0.5f, -0.25f, 2, -1}));
}

TEST(VisionOps, SamePaddingFollowsTflite) {
  // 128 -> 64 with a 5x5 kernel, stride 2: total padding 3, one before (TFLite puts the odd one after).
  const AxisPlan p = plan_axis(128, 5, 2, 1, true);
  EXPECT_EQ(p.out, 64);
  EXPECT_EQ(p.pad_before, 1);
  EXPECT_EQ(plan_axis(10, 3, 1, 1, false).out, 8);
  EXPECT_EQ(plan_axis(2, 3, 1, 1, false).out, 0);
}

}  // namespace
}  // namespace onboard::vision::ops
