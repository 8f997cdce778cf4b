// Face detection (BlazeFace short range, 128x128) followed by the 468-point face mesh (192x192)
// on a crop rotated so the eyes are level: MediaPipe's face-mesh solution on Onboard's own ops.
// Both models are read from MediaPipe's npm packages; no frame is stored beyond the call.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "vision/image.h"

namespace onboard::vision {

// Frame pixels. Keypoints in MediaPipe's order: right eye, left eye, nose tip, mouth,
// right ear tragion, left ear tragion ("right" = the subject's right, image left).
struct FaceDetection {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float score = 0;
  std::array<Point2, 6> keypoints{};
};

// x, y in frame pixels; z in the mesh model's units scaled like x (relative depth).
struct FaceLandmarks {
  std::array<Point3, 468> points{};
  float face_presence = 0;  // sigmoid of the mesh model's face flag
};

struct FaceResult {
  FaceDetection detection;
  std::optional<FaceLandmarks> landmarks;  // nullopt when the mesh says no face in the crop
};

struct StageTimes {
  double detect_ms = 0, mesh_ms = 0, preprocess_ms = 0;
};

// Default model locations (the npm packages under node_modules); ONBOARD_MEDIAPIPE_DIR is set by
// CMake to ${CMAKE_SOURCE_DIR}/node_modules/@mediapipe.
std::string default_detector_path();
std::string default_mesh_path();

class FacePipeline {
 public:
  // detector_tflite: face_detection_short_range.tflite. mesh: face_landmark.tflite, or the
  // face-mesh package's face_mesh_solution_packed_assets.data (the model is found through the
  // sibling *_loader.js metadata).
  static Expected<FacePipeline> load(const std::string& detector_tflite,
                                     const std::string& mesh_tflite_or_packed_data);
  FacePipeline(FacePipeline&&) noexcept;
  FacePipeline& operator=(FacePipeline&&) noexcept;
  ~FacePipeline();

  // The best-scoring face; nullopt when none. Buffers are planned at load: after the first frame
  // of a given size nothing is allocated per frame.
  Expected<std::optional<FaceResult>> process(const Image& frame, int n_threads,
                                              StageTimes* times = nullptr);

  // All faces the detector keeps after weighted NMS (frame pixels, best first).
  Expected<std::vector<FaceDetection>> detect(const Image& frame, int n_threads);

  // The mesh on the crop MediaPipe derives from a detection.
  Expected<std::optional<FaceLandmarks>> landmarks(const Image& frame, const FaceDetection& face,
                                                   int n_threads);

  struct State;

 private:
  explicit FacePipeline(std::unique_ptr<State> state);
  Status detect_into_state(const Image& frame, int n_threads);  // fills State::faces
  std::unique_ptr<State> state_;
};

}  // namespace onboard::vision
