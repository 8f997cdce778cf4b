#include "vision/face_pipeline.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/mapped_file.h"
#include "vision/blazeface.h"
#include "vision/cnn_graph.h"
#include "vision/face_crop.h"
#include "vision/mediapipe_assets.h"

namespace onboard::vision {

struct FacePipeline::State {
  CnnGraph detector, mesh;
  std::vector<Anchor> anchors;
  BlazeFaceOptions options;
  std::unique_ptr<ThreadPool> pool;
  std::vector<RawDetection> candidates, kept;
  std::vector<FaceDetection> faces;
};

std::string default_detector_path() {
  return std::string(ONBOARD_MEDIAPIPE_DIR) + "/face_detection/face_detection_short_range.tflite";
}
std::string default_mesh_path() {
  return std::string(ONBOARD_MEDIAPIPE_DIR) + "/face_mesh/face_mesh_solution_packed_assets.data";
}

FacePipeline::FacePipeline(std::unique_ptr<State> state) : state_(std::move(state)) {}
FacePipeline::FacePipeline(FacePipeline&&) noexcept = default;
FacePipeline& FacePipeline::operator=(FacePipeline&&) noexcept = default;
FacePipeline::~FacePipeline() = default;

namespace {

Expected<CnnGraph> load_graph(const std::string& path, std::string_view packed_name) {
  ONBOARD_ASSIGN_OR_RETURN(MappedFile file, MappedFile::open(path));
  std::span<const uint8_t> bytes = file.bytes();
  std::string name = path;
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".data") == 0) {
    const std::string loader_path = packed_assets_loader_path(path);
    std::ifstream loader(loader_path);
    if (!loader) return make_error(ErrorCode::kNotFound, "cannot read " + loader_path + " (the packed assets' index)");
    std::stringstream text;
    text << loader.rdbuf();
    ONBOARD_ASSIGN_OR_RETURN(ByteRange r, packed_asset_range(text.str(), packed_name));
    if (r.end > bytes.size())
      return make_error(ErrorCode::kCorrupt, path + ": " + std::string(packed_name) + " range " + std::to_string(r.start) +
                                                 ".." + std::to_string(r.end) + " is past the end of the file");
    bytes = bytes.subspan(r.start, r.end - r.start);
    name += ":" + std::string(packed_name);
  }
  auto model = parse_tflite(bytes);
  if (!model.ok()) return make_error(model.error().code, name + ": " + model.error().message);
  return CnnGraph::build(*model, name);  // copies what it needs: the mapping may close
}

Status check_io(const CnnGraph& g, const std::string& what, std::vector<int> input,
                std::vector<std::vector<int>> outputs) {
  if (g.input_count() != 1 || g.input_shape(0) != input || g.output_count() != static_cast<int>(outputs.size()))
    return make_error(ErrorCode::kUnsupported, what + ": unexpected inputs/outputs (not MediaPipe's model?)");
  for (size_t i = 0; i < outputs.size(); ++i)
    if (g.output_shape(static_cast<int>(i)) != outputs[i])
      return make_error(ErrorCode::kUnsupported, what + ": unexpected output shapes (not MediaPipe's model?)");
  return Status::Ok();
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

constexpr int kDetectorSize = 128, kMeshSize = 192;

}  // namespace

Expected<FacePipeline> FacePipeline::load(const std::string& detector_tflite, const std::string& mesh) {
  auto state = std::make_unique<State>();
  ONBOARD_ASSIGN_OR_RETURN(state->detector, load_graph(detector_tflite, "face_detection_short_range.tflite"));
  ONBOARD_ASSIGN_OR_RETURN(state->mesh, load_graph(mesh, "face_landmark.tflite"));
  ONBOARD_TRY(check_io(state->detector, detector_tflite, {1, kDetectorSize, kDetectorSize, 3}, {{1, 896, 16}, {1, 896, 1}}));
  ONBOARD_TRY(check_io(state->mesh, mesh, {1, kMeshSize, kMeshSize, 3}, {{1, 1, 1, 1404}, {1, 1, 1, 1}}));
  state->anchors = blazeface_short_range_anchors();
  state->candidates.reserve(state->anchors.size());
  state->kept.reserve(state->anchors.size());
  state->faces.reserve(state->anchors.size());
  return FacePipeline(std::move(state));
}

namespace {
Status check_frame(const Image& frame) {
  if (frame.width <= 0 || frame.height <= 0 ||
      frame.rgb.size() != static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height) * 3)
    return make_error(ErrorCode::kInvalidArgument, "frame: " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                                                       " with " + std::to_string(frame.rgb.size()) + " bytes is not packed RGB");
  return Status::Ok();
}

ThreadPool* pool_for(std::unique_ptr<ThreadPool>& pool, int n_threads) {
  if (n_threads <= 1) return nullptr;
  if (!pool || pool->size() != n_threads) pool = std::make_unique<ThreadPool>(n_threads);
  return pool.get();
}

}  // namespace

Expected<std::vector<FaceDetection>> FacePipeline::detect(const Image& frame, int n_threads) {
  ONBOARD_TRY(detect_into_state(frame, n_threads));
  return state_->faces;
}

Status FacePipeline::detect_into_state(const Image& frame, int n_threads) {
  ONBOARD_TRY(check_frame(frame));
  State& s = *state_;
  const RotatedSquare box = letterbox_region(frame.width, frame.height);
  // MediaPipe: letterboxed with zero (black) borders, values in [-1, 1].
  sample_region(frame, box, kDetectorSize, Border::kZero, 2.0f / 255.0f, -1.0f, s.detector.input(0));
  s.detector.run(pool_for(s.pool, n_threads));
  decode_blazeface(s.detector.output(0), s.detector.output(1), s.anchors, s.options, s.candidates, s.kept);
  s.faces.clear();
  for (const RawDetection& d : s.kept) {
    FaceDetection f;
    const Point2 a = box.to_frame(d.x0, d.y0), b = box.to_frame(d.x1, d.y1);
    f.x0 = a.x;
    f.y0 = a.y;
    f.x1 = b.x;
    f.y1 = b.y;
    f.score = d.score;
    for (int k = 0; k < 6; ++k) f.keypoints[k] = box.to_frame(d.keypoints[k].x, d.keypoints[k].y);
    s.faces.push_back(f);
  }
  return Status::Ok();
}

Expected<std::optional<FaceLandmarks>> FacePipeline::landmarks(const Image& frame, const FaceDetection& face,
                                                              int n_threads) {
  ONBOARD_TRY(check_frame(frame));
  State& s = *state_;
  const RotatedSquare roi = mesh_region(face);
  // MediaPipe: replicated borders, values in [0, 1].
  sample_region(frame, roi, kMeshSize, Border::kReplicate, 1.0f / 255.0f, 0.0f, s.mesh.input(0));
  s.mesh.run(pool_for(s.pool, n_threads));
  FaceLandmarks lm;
  lm.face_presence = 1.0f / (1.0f + std::exp(-s.mesh.output(1)[0]));
  if (lm.face_presence < 0.5f) return std::optional<FaceLandmarks>{};
  const float* raw = s.mesh.output(0);
  for (int i = 0; i < 468; ++i) {
    const Point2 p = roi.to_frame(raw[3 * i] / kMeshSize, raw[3 * i + 1] / kMeshSize);
    lm.points[i] = {p.x, p.y, raw[3 * i + 2] / kMeshSize * roi.side};
  }
  return std::optional<FaceLandmarks>{lm};
}

Expected<std::optional<FaceResult>> FacePipeline::process(const Image& frame, int n_threads, StageTimes* times) {
  auto t0 = std::chrono::steady_clock::now();
  ONBOARD_TRY(detect_into_state(frame, n_threads));
  const std::vector<FaceDetection>& faces = state_->faces;
  if (times) times->detect_ms = ms_since(t0);
  if (faces.empty()) return std::optional<FaceResult>{};
  // Detections come best first; MediaPipe's single-face mesh takes the first.
  FaceResult result;
  result.detection = faces.front();
  t0 = std::chrono::steady_clock::now();
  ONBOARD_ASSIGN_OR_RETURN(result.landmarks, landmarks(frame, result.detection, n_threads));
  if (times) times->mesh_ms = ms_since(t0);
  return std::optional<FaceResult>{result};
}

}  // namespace onboard::vision
