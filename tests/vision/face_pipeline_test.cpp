// Conformance of FacePipeline with Google's MediaPipe web solutions (wasm, run in headless
// Chromium by mediapipe_reference.mjs; its output for the test photos is
// tests/vision/mediapipe_reference.json): same faces found, boxes and keypoints, 468 landmarks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vision/blazeface.h"
#include "vision/face_pipeline.h"
#include "vision/image_file.h"

namespace onboard::vision {
namespace {

std::string photo_path(const std::string& name) {
  if (name == "astronaut.png") return "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";
  if (name == "messi5.jpg") return "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
  return std::string(ONBOARD_SOURCE_DIR) + "/node_modules/@vladmandic/face-api/demo/" + name;
}

nlohmann::json reference() {
  const std::string path = std::getenv("ONBOARD_MEDIAPIPE_REFERENCE")
                               ? std::getenv("ONBOARD_MEDIAPIPE_REFERENCE")
                               : std::string(ONBOARD_SOURCE_DIR) + "/tests/vision/mediapipe_reference.json";
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << path;
  return nlohmann::json::parse(f);
}

FacePipeline& pipeline() {
  static FacePipeline p = [] {
    auto loaded = FacePipeline::load(default_detector_path(), default_mesh_path());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().message;
      std::abort();
    }
    return std::move(*loaded);
  }();
  return p;
}

float box_iou(const FaceDetection& a, const nlohmann::json& b) {
  RawDetection x{a.x0, a.y0, a.x1, a.y1, 0, {}}, y{b["x0"], b["y0"], b["x1"], b["y1"], 0, {}};
  return iou(x, y);
}

// Tolerances, relative to the face box width: boxes IoU >= 0.99, keypoints within 0.5 %, mean
// landmark error < 0.5 %. Measured on these 8 photos: IoU >= 0.999, keypoints within 0.1 %, mean
// landmark error <= 0.05 %; the rest is the reference's WebGL inference and texture sampling.
TEST(FacePipelineConformance, MatchesMediaPipeOnTestPhotos) {
  const nlohmann::json ref = reference();
  ASSERT_GE(ref["images"].size(), 8u);
  int meshes = 0;
  for (const auto& im : ref["images"]) {
    const std::string name = im["image"];
    SCOPED_TRACE(name);
    auto img = read_image(photo_path(name));
    ASSERT_TRUE(img.ok()) << img.error().message;
    ASSERT_EQ(img->width, im["width"].get<int>());
    auto faces = pipeline().detect(*img, 1);
    ASSERT_TRUE(faces.ok()) << faces.error().message;
    ASSERT_EQ(faces->size(), im["detections"].size());
    for (const auto& rd : im["detections"]) {
      // The reference's order of equal faces may differ: match by overlap.
      const FaceDetection* best = nullptr;
      float best_iou = 0;
      for (const FaceDetection& f : *faces)
        if (box_iou(f, rd) > best_iou) best_iou = box_iou(f, rd), best = &f;
      ASSERT_NE(best, nullptr);
      EXPECT_GE(best_iou, 0.99f);
      const float width = rd["x1"].get<float>() - rd["x0"].get<float>();
      for (int k = 0; k < 6; ++k) {
        EXPECT_NEAR(best->keypoints[k].x, rd["keypoints"][k][0].get<float>(), 0.005f * width) << "keypoint " << k;
        EXPECT_NEAR(best->keypoints[k].y, rd["keypoints"][k][1].get<float>(), 0.005f * width) << "keypoint " << k;
      }
    }
    auto result = pipeline().process(*img, 2);
    ASSERT_TRUE(result.ok()) << result.error().message;
    const bool ref_has_mesh = !im["landmarks"].empty();
    const bool has_mesh = result->has_value() && (*result)->landmarks.has_value();
    ASSERT_EQ(has_mesh, ref_has_mesh);
    if (!has_mesh) continue;
    ++meshes;
    const FaceDetection& d = (*result)->detection;
    const float width = d.x1 - d.x0;
    double sum = 0;
    const auto& pts = im["landmarks"][0];
    ASSERT_EQ(pts.size(), 468u);
    for (int i = 0; i < 468; ++i) {
      const Point3 p = (*result)->landmarks->points[i];
      sum += std::hypot(p.x - pts[i][0].get<float>(), p.y - pts[i][1].get<float>());
    }
    const double mean_rel = sum / 468 / width;
    EXPECT_LT(mean_rel, 0.005) << "mean landmark error " << mean_rel * 100 << " % of the face width";
    std::printf("%s: mean landmark error %.4f %% of the face width (%.1f px)\n", name.c_str(), mean_rel * 100, width);
  }
  EXPECT_GE(meshes, 6);
}

TEST(FacePipeline, RejectsMalformedFrames) {
  Image bad;
  bad.width = 4;
  bad.height = 4;
  bad.rgb.resize(10);
  auto r = pipeline().process(bad, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("4x4"), std::string::npos) << r.error().message;
}

TEST(FacePipeline, FindsNoFaceInABlankFrame) {
  Image grey;
  grey.width = 320;
  grey.height = 240;
  grey.rgb.assign(320 * 240 * 3, 128);
  auto r = pipeline().process(grey, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(FacePipeline, LoadNamesAMissingModel) {
  auto r = FacePipeline::load("/nonexistent/detector.tflite", default_mesh_path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/detector.tflite"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace onboard::vision
