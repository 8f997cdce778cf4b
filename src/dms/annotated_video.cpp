#include "dms/annotated_video.h"

#include <cstdio>
#include <opencv2/highgui.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace onboard::dms {
namespace {

void draw(cv::Mat& bgr, const DmsFrame& dms, const DriverMonitor& monitor, const std::string& state) {
  const cv::Scalar green(80, 220, 80), red(60, 60, 230), white(255, 255, 255), yellow(40, 220, 240);
  const bool on_road = dms.signals.is_eyes_on_road;
  if (dms.face_found) {
    const auto& d = dms.detection;
    cv::rectangle(bgr, cv::Point2f(d.x0, d.y0), cv::Point2f(d.x1, d.y1), on_road ? green : red, 2);
    if (const auto& lm = monitor.last_landmarks())
      for (const auto& p : lm->points) cv::circle(bgr, cv::Point2f(p.x, p.y), 1, yellow, cv::FILLED);
    // Head direction from the nose tip keypoint: where the face points, scaled by the box size.
    const auto& nose = d.keypoints[2];
    const float len = (d.x1 - d.x0) * 0.6f;
    const auto r = rotation_from_pose(dms.measures.pose);
    cv::arrowedLine(bgr, cv::Point2f(nose.x, nose.y), cv::Point2f(nose.x + len * r[2], nose.y - len * r[5]), on_road ? green : red, 2);
  }
  char line[200];
  std::snprintf(line, sizeof line, "t %.2fs  %s  yaw %.0f pitch %.0f  EAR %.2f/%.2f  mouth %.2f", dms.t_s,
                !dms.face_found ? "NO FACE" : on_road ? "EYES ON ROAD" : "AWAY", dms.measures.pose.yaw, dms.measures.pose.pitch,
                dms.measures.ear_left, dms.measures.ear_right, dms.measures.mouth);
  cv::putText(bgr, line, {8, 20}, cv::FONT_HERSHEY_SIMPLEX, 0.5, white, 1, cv::LINE_AA);
  std::snprintf(line, sizeof line, "distraction %.0f%%  fatigue %.0f%% (KSS %d, PERCLOS %.0f%%)  attentive %.0f%%",
                dms.signals.distraction_level, dms.signals.fatigue_level, dms.signals.kss, 100 * dms.signals.perclos,
                dms.signals.attentive_probability);
  cv::putText(bgr, line, {8, 40}, cv::FONT_HERSHEY_SIMPLEX, 0.5, white, 1, cv::LINE_AA);
  if (!state.empty()) cv::putText(bgr, state, {8, 60}, cv::FONT_HERSHEY_SIMPLEX, 0.5, red, 1, cv::LINE_AA);
  // Eye-openness trace over the frames the monitor remembers.
  const auto& recent = monitor.recent();
  const int base = bgr.rows - 10, h = 40;
  for (size_t i = 1; i < recent.size(); ++i) {
    auto y = [&](size_t k) { return base - h * std::min(1.0f, (recent[k].measures.ear_left + recent[k].measures.ear_right) / 0.8f); };
    cv::line(bgr, cv::Point2f(8.0f + 2 * (i - 1), y(i - 1)), cv::Point2f(8.0f + 2 * i, y(i)), yellow, 1);
  }
}

cv::Mat to_bgr(const vision::Image& frame) {
  const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.rgb.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

struct AnnotatedVideo::State {
  cv::VideoWriter writer;
  std::string path;
  int width = 0, height = 0;
};

AnnotatedVideo::AnnotatedVideo(std::unique_ptr<State> state) : state_(std::move(state)) {}
AnnotatedVideo::AnnotatedVideo(AnnotatedVideo&&) noexcept = default;
AnnotatedVideo& AnnotatedVideo::operator=(AnnotatedVideo&&) noexcept = default;
AnnotatedVideo::~AnnotatedVideo() = default;

Expected<AnnotatedVideo> AnnotatedVideo::create(const std::string& path, int width, int height, double fps) {
  auto s = std::make_unique<State>();
  s->path = path;
  s->width = width;
  s->height = height;
  const bool avi = path.size() > 4 && path.compare(path.size() - 4, 4, ".avi") == 0;
  const int fourcc = avi ? cv::VideoWriter::fourcc('M', 'J', 'P', 'G') : cv::VideoWriter::fourcc('m', 'p', '4', 'v');
  if (!s->writer.open(path, fourcc, fps > 0 ? fps : 30, cv::Size(width, height)))
    return make_error(ErrorCode::kIo, "cannot write video " + path + " (use .mp4 or .avi)");
  return AnnotatedVideo(std::move(s));
}

Status AnnotatedVideo::write(const vision::Image& frame, const DmsFrame& dms, const DriverMonitor& monitor, const std::string& state) {
  if (frame.width != state_->width || frame.height != state_->height)
    return make_error(ErrorCode::kInvalidArgument, state_->path + ": frame size changed mid-video");
  cv::Mat bgr = to_bgr(frame);
  draw(bgr, dms, monitor, state);
  state_->writer.write(bgr);
  return Status::Ok();
}

void AnnotatedVideo::show(const vision::Image& frame, const DmsFrame& dms, const DriverMonitor& monitor, const std::string& state) {
  cv::Mat bgr = to_bgr(frame);
  draw(bgr, dms, monitor, state);
  cv::imshow("onboard dms", bgr);
  cv::waitKey(1);
}

}  // namespace onboard::dms
