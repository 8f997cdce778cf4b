#include "vision/face_pipeline.h"

namespace onboard::vision {

struct FacePipeline::State {};

std::string default_detector_path() { return std::string(ONBOARD_MEDIAPIPE_DIR) + "/face_detection/face_detection_short_range.tflite"; }
std::string default_mesh_path() { return std::string(ONBOARD_MEDIAPIPE_DIR) + "/face_mesh/face_mesh_solution_packed_assets.data"; }

FacePipeline::FacePipeline(std::unique_ptr<State> state) : state_(std::move(state)) {}
FacePipeline::FacePipeline(FacePipeline&&) noexcept = default;
FacePipeline& FacePipeline::operator=(FacePipeline&&) noexcept = default;
FacePipeline::~FacePipeline() = default;

Expected<FacePipeline> FacePipeline::load(const std::string&, const std::string&) {
  return make_error(ErrorCode::kUnsupported, "FacePipeline: not implemented yet (interim commit of the interface)");
}
Expected<std::optional<FaceResult>> FacePipeline::process(const Image&, int, StageTimes*) {
  return make_error(ErrorCode::kUnsupported, "FacePipeline: not implemented yet");
}
Expected<std::vector<FaceDetection>> FacePipeline::detect(const Image&, int) {
  return make_error(ErrorCode::kUnsupported, "FacePipeline: not implemented yet");
}
Expected<std::optional<FaceLandmarks>> FacePipeline::landmarks(const Image&, const FaceDetection&, int) {
  return make_error(ErrorCode::kUnsupported, "FacePipeline: not implemented yet");
}

}  // namespace onboard::vision
