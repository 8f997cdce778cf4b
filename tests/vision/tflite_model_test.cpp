// The TFLite reader on a hand-written tiny model: what it reads, that the graph built from it
// computes the right thing, and clear errors (never a crash) on anything outside what it supports.
#include "vision/tflite_model.h"

#include <gtest/gtest.h>

#include "core/mapped_file.h"
#include "tiny_tflite.h"
#include "vision/cnn_graph.h"
#include "vision/face_pipeline.h"
#include "vision/mediapipe_assets.h"

namespace onboard::vision {
namespace {

using testing::tiny_tflite;
using testing::TinyModelSpec;

TEST(TfliteModel, ReadsTensorsOperatorsAndOptions) {
  const std::vector<uint8_t> bytes = tiny_tflite();
  auto m = parse_tflite(bytes);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->tensors.size(), 5u);
  EXPECT_EQ(m->tensors[0].name, "input");
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int>{1, 2, 2, 1}));
  EXPECT_TRUE(m->tensors[0].data.empty());
  EXPECT_EQ(m->tensors[1].data.size(), 4u);
  ASSERT_EQ(m->operators.size(), 2u);
  EXPECT_EQ(m->operators[0].code, OpCode::kConv2d);
  EXPECT_EQ(m->operators[0].padding, Padding::kValid);
  EXPECT_EQ(m->operators[0].inputs, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(m->operators[1].code, OpCode::kRelu);
  EXPECT_EQ(m->inputs, std::vector<int>{0});
  EXPECT_EQ(m->outputs, std::vector<int>{4});
}

TEST(TfliteModel, GraphComputesConvThenRelu) {
  for (int weight_type : {0, 1}) {  // float32 and float16 (converted at load) weights
    TinyModelSpec spec;
    spec.weight_type = weight_type;
    const std::vector<uint8_t> bytes = tiny_tflite(spec);
    auto m = parse_tflite(bytes);
    ASSERT_TRUE(m.ok()) << m.error().message;
    auto g = CnnGraph::build(*m, "tiny");
    ASSERT_TRUE(g.ok()) << g.error().message;
    const float in[4] = {1, -2, 3, -4};
    std::copy(in, in + 4, g->input(0));
    g->run(nullptr);
    const float* out = g->output(0);
    EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{3, 0, 7, 0}));  // relu(2x + 1)
  }
}

TEST(TfliteModel, NamesUnsupportedOperators) {
  TinyModelSpec spec;
  spec.conv_code = 99;
  auto m = parse_tflite(tiny_tflite(spec));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("builtin operator 99"), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("operator 0"), std::string::npos) << m.error().message;

  spec.conv_code = 32;
  spec.custom_code = "Landmarks2TransformMatrix";
  m = parse_tflite(tiny_tflite(spec));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("custom operator 'Landmarks2TransformMatrix'"), std::string::npos) << m.error().message;
}

TEST(TfliteModel, RejectsQuantizedTensors) {
  TinyModelSpec spec;
  spec.quantized_input = true;
  auto m = parse_tflite(tiny_tflite(spec));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("tensor 0 'input' is quantized"), std::string::npos) << m.error().message;
}

TEST(TfliteModel, RejectsOtherFiles) {
  std::vector<uint8_t> bytes = tiny_tflite();
  bytes[4] = 'X';
  auto m = parse_tflite(bytes);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("TFL3"), std::string::npos);
}

TEST(TfliteModel, TruncatedOrCorruptedFilesGiveErrorsNotCrashes) {
  const std::vector<uint8_t> bytes = tiny_tflite();
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto m = parse_tflite(std::span<const uint8_t>(bytes.data(), n));
    EXPECT_FALSE(m.ok()) << "a model cut at " << n << " bytes was accepted";
  }
  // Every byte set to 0xFF in turn: must be rejected or still describe a consistent model.
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> b = bytes;
    b[i] = 0xFF;
    auto m = parse_tflite(b);
    if (!m.ok()) {
      ++rejected;
      EXPECT_FALSE(m.error().message.empty());
      continue;
    }
    for (const TfliteOperator& op : m->operators)
      for (int t : op.inputs) EXPECT_LT(t, static_cast<int>(m->tensors.size()));
  }
  EXPECT_GT(rejected, 0);
}

TEST(TfliteModel, ReadsMediaPipeModels) {
  auto f = MappedFile::open(default_detector_path());
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto m = parse_tflite(f->bytes());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->operators.size(), 164u);
  EXPECT_EQ(m->tensors[m->inputs[0]].shape, (std::vector<int>{1, 128, 128, 3}));

  // The packed face-mesh assets: face_landmark.tflite's range from the loader script; the model
  // with attention uses custom ops and must be refused by name.
  auto data = MappedFile::open(default_mesh_path());
  ASSERT_TRUE(data.ok());
  auto mesh = FacePipeline::load(default_detector_path(), default_mesh_path());
  EXPECT_TRUE(mesh.ok()) << mesh.error().message;
}

TEST(MediaPipeAssets, FindsPackedFileRanges) {
  const std::string js =
      R"(loadPackage({"files": [{"filename": "/a/face_landmark_with_attention.tflite", "start": 0, "end": 10},)"
      R"( {"filename": "/a/face_landmark.tflite", "start": 10, "end": 25}], "remote_package_size": 25});)";
  auto r = packed_asset_range(js, "face_landmark.tflite");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->start, 10u);
  EXPECT_EQ(r->end, 25u);
  EXPECT_FALSE(packed_asset_range(js, "missing.tflite").ok());
  EXPECT_FALSE(packed_asset_range(R"({"filename": "/x.tflite", "start": 9, "end": 3})", "x.tflite").ok());
  EXPECT_EQ(packed_assets_loader_path("/p/face_mesh_solution_packed_assets.data"),
            "/p/face_mesh_solution_packed_assets_loader.js");
}

}  // namespace
}  // namespace onboard::vision
