// One driver-monitoring loop step: face pipeline -> geometry -> rules. Shared by `onboard dms`
// and the server's event stream. Remembers only the last `history` frames' measurements (a
// fixed ring) and the newest landmarks; frames themselves are never kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dms/canonical_face.h"
#include "dms/dms_state_machine.h"
#include "dms/face_geometry.h"
#include "dms/recent_ring.h"
#include "vision/face_pipeline.h"

namespace onboard::dms {

struct DriverMonitorOptions {
  std::string detector_path = vision::default_detector_path();
  std::string mesh_path = vision::default_mesh_path();  // also holds the canonical face geometry
  DmsConfig config;
  int n_threads = 1;
  size_t history = 90;  // frames of measurements kept (3 s at 30 fps)
};

// What one frame gave.
struct DmsFrame {
  double t_s = 0;
  bool face_found = false;
  vision::FaceDetection detection;
  FaceMeasures measures;
  DmsSignals signals;
  vision::StageTimes times;
};

class DriverMonitor {
 public:
  static Expected<DriverMonitor> load(const DriverMonitorOptions& options);

  // Runs the pipeline on `frame` taken at t_s (monotonic seconds) with the vehicle at
  // speed_kmh, and appends the warnings that fire to `events`.
  Expected<DmsFrame> process(const vision::Image& frame, double t_s, float speed_kmh, std::vector<DmsEvent>& events);

  const RecentRing<DmsFrame>& recent() const { return recent_; }
  const std::optional<vision::FaceLandmarks>& last_landmarks() const { return last_landmarks_; }
  const DmsStateMachine& rules() const { return rules_; }

 private:
  DriverMonitor(vision::FacePipeline pipeline, CanonicalFace canonical, DmsStateMachine rules, const DriverMonitorOptions& options);

  vision::FacePipeline pipeline_;
  CanonicalFace canonical_;
  DmsStateMachine rules_;
  int n_threads_;
  RecentRing<DmsFrame> recent_;
  std::optional<vision::FaceLandmarks> last_landmarks_;
};

}  // namespace onboard::dms
