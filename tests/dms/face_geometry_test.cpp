// Head pose, eye aspect ratio and mouth opening on MediaPipe's canonical face: known rotations
// of the mesh come back within 1 degree; closing an eye lowers EAR monotonically below the
// closed threshold.
#include "dms/face_geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <numbers>
#include <vector>

#include "dms/canonical_face.h"

namespace onboard::dms {
namespace {

const std::string kPacked = std::string(ONBOARD_SOURCE_DIR) + "/node_modules/@mediapipe/face_mesh/face_mesh_solution_packed_assets.data";

const CanonicalFace& canonical() {
  static const CanonicalFace face = [] {
    auto f = load_canonical_face(kPacked);
    EXPECT_TRUE(f.ok()) << f.error().message;
    return f.ok() ? *f : CanonicalFace{};
  }();
  return face;
}

using Mat = std::array<double, 9>;
Mat mul(const Mat& a, const Mat& b) {
  Mat c{};
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 3; ++j) c[r * 3 + j] += a[r * 3 + k] * b[k * 3 + j];
  return c;
}
// Elementary rotations written out here, independent of the library's composition.
Mat about_y(double deg) { const double t = deg * std::numbers::pi / 180; return {std::cos(t), 0, std::sin(t), 0, 1, 0, -std::sin(t), 0, std::cos(t)}; }
Mat about_x(double deg) { const double t = deg * std::numbers::pi / 180; return {1, 0, 0, 0, std::cos(t), -std::sin(t), 0, std::sin(t), std::cos(t)}; }
Mat about_z(double deg) { const double t = deg * std::numbers::pi / 180; return {std::cos(t), -std::sin(t), 0, std::sin(t), std::cos(t), 0, 0, 0, 1}; }

// The canonical face turned by (yaw, pitch, roll), 12 px per cm, centred at (320, 240), in the
// face mesh's output convention (y down, z away from the camera), with a little pixel noise.
std::vector<vision::Point3> posed_landmarks(double yaw, double pitch, double roll, double noise_px) {
  const Mat r = mul(about_y(yaw), mul(about_x(-pitch), about_z(roll)));
  std::vector<vision::Point3> out;
  uint32_t seed = 12345;
  auto jitter = [&] {
    seed = seed * 1664525u + 1013904223u;
    return noise_px * (static_cast<double>(seed >> 8) / (1u << 24) * 2 - 1);
  };
  for (const auto& v : canonical().vertices) {
    const double x = r[0] * v.x + r[1] * v.y + r[2] * v.z, y = r[3] * v.x + r[4] * v.y + r[5] * v.z,
                 z = r[6] * v.x + r[7] * v.y + r[8] * v.z;
    out.push_back({static_cast<float>(320 + 12 * x + jitter()), static_cast<float>(240 - 12 * y + jitter()),
                   static_cast<float>(-12 * z + jitter())});
  }
  return out;
}

TEST(CanonicalFace, ReadsTheMeshAndProcrustesBasisFromTheNpmPackage) {
  const auto& f = canonical();
  ASSERT_EQ(f.vertices.size(), 468u);
  EXPECT_EQ(f.procrustes_basis.size(), 33u);
  // The mesh is left/right symmetric: outer eye corners 33 and 263 mirror in x.
  EXPECT_NEAR(f.vertices[33].x, -f.vertices[263].x, 1e-4);
  EXPECT_NEAR(f.vertices[33].y, f.vertices[263].y, 1e-4);
  // The nose tip (1) stands out toward the camera; the forehead (10) is above the chin (152).
  EXPECT_GT(f.vertices[1].z, f.vertices[33].z + 2);
  EXPECT_GT(f.vertices[10].y, f.vertices[152].y + 10);
}

TEST(CanonicalFace, BadInputGivesAClearError) {
  auto missing = load_canonical_face("/nonexistent/assets.data");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/assets"), std::string::npos);

  auto not_data = load_canonical_face("/tmp/x.tflite");
  ASSERT_FALSE(not_data.ok());
  EXPECT_EQ(not_data.error().code, ErrorCode::kInvalidArgument);

  auto truncated = parse_geometry_metadata(std::string("\x0a\x80", 2));  // mesh field, length cut off
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::kCorrupt);

  auto too_long = parse_geometry_metadata(std::string("\x0a\x05\x1d\x00\x00", 5));  // length 5 past the end
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("past the end"), std::string::npos);

  auto empty_mesh = parse_geometry_metadata(std::string("\x0a\x00", 2));
  ASSERT_FALSE(empty_mesh.ok());
  EXPECT_NE(empty_mesh.error().message.find("468"), std::string::npos);
}

TEST(CanonicalFace, ReadsPackedVertexBuffersToo) {
  // The fuzz seed encodes vertex i as (i, -i, i/2) with packed floats (the npm file uses one tag
  // per float) and a 3-landmark basis.
  std::ifstream in(std::string(ONBOARD_SOURCE_DIR) + "/fuzz/corpus/dms_geometry/synthetic_packed.binpb", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto f = parse_geometry_metadata(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->vertices.size(), 468u);
  EXPECT_FLOAT_EQ(f->vertices[10].x, 10);
  EXPECT_FLOAT_EQ(f->vertices[10].y, -10);
  EXPECT_FLOAT_EQ(f->vertices[467].z, 233.5f);
  ASSERT_EQ(f->procrustes_basis.size(), 3u);
  EXPECT_EQ(f->procrustes_basis[1].index, 33);
  EXPECT_FLOAT_EQ(f->procrustes_basis[1].weight, 0.25f);
  EXPECT_FALSE(parse_geometry_metadata(bytes.substr(0, 100)).ok());
}

TEST(HeadPose, RecoversKnownRotationsWithinOneDegree) {
  ASSERT_EQ(canonical().vertices.size(), 468u);
  int cases = 0;
  for (double yaw : {-60.0, -35.0, -10.0, 0.0, 5.0, 25.0, 50.0})
    for (double pitch : {-30.0, -12.0, 0.0, 8.0, 25.0})
      for (double roll : {-20.0, 0.0, 15.0}) {
        const auto lm = posed_landmarks(yaw, pitch, roll, 0.3);
        const HeadPose p = estimate_head_pose(canonical(), lm);
        EXPECT_NEAR(p.yaw, yaw, 1.0) << yaw << " " << pitch << " " << roll;
        EXPECT_NEAR(p.pitch, pitch, 1.0) << yaw << " " << pitch << " " << roll;
        EXPECT_NEAR(p.roll, roll, 1.0) << yaw << " " << pitch << " " << roll;
        ++cases;
      }
  EXPECT_EQ(cases, 105);
}

TEST(HeadPose, SignsMatchWhatTheCameraSees) {
  // Turning toward image-right moves the nose tip right of the eyes' midpoint; looking up moves
  // it above the frontal position (smaller image y).
  const auto right = posed_landmarks(30, 0, 0, 0);
  EXPECT_GT(right[1].x, (right[33].x + right[263].x) / 2 + 5);
  EXPECT_GT(estimate_head_pose(canonical(), right).yaw, 25);
  const auto up = posed_landmarks(0, 20, 0, 0), level = posed_landmarks(0, 0, 0, 0);
  EXPECT_LT(up[1].y, level[1].y - 5);
  EXPECT_GT(estimate_head_pose(canonical(), up).pitch, 15);
}

TEST(HeadPose, RotationRoundTripsThroughYawPitchRoll) {
  const HeadPose in{-42.5f, 17.25f, 8.0f};
  const HeadPose out = pose_from_rotation(rotation_from_pose(in));
  EXPECT_NEAR(out.yaw, in.yaw, 1e-3);
  EXPECT_NEAR(out.pitch, in.pitch, 1e-3);
  EXPECT_NEAR(out.roll, in.roll, 1e-3);
}

// Moves the upper-lid points toward the lower-lid points: openness 1 = the canonical eye, 0 = shut.
std::vector<vision::Point3> with_eye_openness(std::vector<vision::Point3> lm, const EyeIndices& e, float openness) {
  auto close = [&](int upper, int lower) {
    lm[upper].x = lm[lower].x + openness * (lm[upper].x - lm[lower].x);
    lm[upper].y = lm[lower].y + openness * (lm[upper].y - lm[lower].y);
  };
  close(e.p2, e.p6);
  close(e.p3, e.p5);
  return lm;
}

TEST(EyeAspectRatio, FallsMonotonicallyAsTheEyeClosesAndIsBelowThresholdWhenShut) {
  const auto open = posed_landmarks(10, -5, 0, 0);
  for (const EyeIndices& eye : {kLeftEye, kRightEye}) {
    float previous = -1;
    for (float openness = 0; openness <= 1.0001f; openness += 0.1f) {
      const float ear = eye_aspect_ratio(with_eye_openness(open, eye, openness), eye);
      EXPECT_GT(ear, previous) << "openness " << openness;
      previous = ear;
    }
    EXPECT_LT(eye_aspect_ratio(with_eye_openness(open, eye, 0), eye), 0.05f);
    EXPECT_GT(eye_aspect_ratio(open, eye), 0.2f);  // the canonical eye is open
  }
  // Closing one eye leaves the other's ratio unchanged.
  const auto wink = with_eye_openness(open, kLeftEye, 0);
  EXPECT_FLOAT_EQ(eye_aspect_ratio(wink, kRightEye), eye_aspect_ratio(open, kRightEye));
}

TEST(EyeAspectRatio, DoesNotDependOnFaceSizeInTheImage) {
  auto lm = posed_landmarks(0, 0, 0, 0);
  auto big = lm;
  for (auto& p : big) p = {p.x * 3, p.y * 3, p.z * 3};
  EXPECT_NEAR(eye_aspect_ratio(big, kLeftEye), eye_aspect_ratio(lm, kLeftEye), 1e-5);
  EXPECT_NEAR(mouth_opening(big), mouth_opening(lm), 1e-5);
}

TEST(MouthOpening, GrowsAsTheJawDrops) {
  auto lm = posed_landmarks(0, 0, 0, 0);
  const float closed = mouth_opening(lm);
  EXPECT_LT(closed, 0.2f);
  float previous = closed;
  for (float drop : {5.f, 10.f, 20.f, 40.f}) {
    auto open = lm;
    open[kLowerLip].y += drop;
    const float m = mouth_opening(open);
    EXPECT_GT(m, previous);
    previous = m;
  }
  EXPECT_GT(previous, 0.6f);  // a 40 px gap on a ~52 px wide mouth is a yawn
}

}  // namespace
}  // namespace onboard::dms
