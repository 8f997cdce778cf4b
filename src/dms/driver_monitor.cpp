#include "dms/driver_monitor.h"

#include <span>

namespace onboard::dms {

Expected<DriverMonitor> DriverMonitor::load(const DriverMonitorOptions& options) {
  if (options.history == 0) return make_error(ErrorCode::kInvalidArgument, "driver monitor: history must hold at least one frame");
  ONBOARD_ASSIGN_OR_RETURN(DmsStateMachine rules, DmsStateMachine::make(options.config));
  ONBOARD_ASSIGN_OR_RETURN(vision::FacePipeline pipeline, vision::FacePipeline::load(options.detector_path, options.mesh_path));
  ONBOARD_ASSIGN_OR_RETURN(CanonicalFace canonical, load_canonical_face(options.mesh_path));
  return DriverMonitor(std::move(pipeline), std::move(canonical), std::move(rules), options);
}

DriverMonitor::DriverMonitor(vision::FacePipeline pipeline, CanonicalFace canonical, DmsStateMachine rules,
                             const DriverMonitorOptions& options)
    : pipeline_(std::move(pipeline)),
      canonical_(std::move(canonical)),
      rules_(std::move(rules)),
      n_threads_(options.n_threads),
      recent_(options.history) {}

Expected<DmsFrame> DriverMonitor::process(const vision::Image& frame, double t_s, float speed_kmh, std::vector<DmsEvent>& events) {
  DmsFrame out;
  out.t_s = t_s;
  ONBOARD_ASSIGN_OR_RETURN(std::optional<vision::FaceResult> face, pipeline_.process(frame, n_threads_, &out.times));
  DmsObservation obs;
  obs.t_s = t_s;
  obs.speed_kmh = speed_kmh;
  last_landmarks_.reset();
  if (face && face->landmarks) {
    out.face_found = true;
    out.detection = face->detection;
    out.measures = measure_face(canonical_, std::span<const vision::Point3>(face->landmarks->points));
    last_landmarks_ = face->landmarks;
    obs.face_found = true;
    obs.pose = out.measures.pose;
    obs.ear_left = out.measures.ear_left;
    obs.ear_right = out.measures.ear_right;
    obs.mouth = out.measures.mouth;
  }
  ONBOARD_TRY(rules_.update(obs, events));
  out.signals = rules_.signals();
  recent_.push(out);
  return out;
}

}  // namespace onboard::dms
