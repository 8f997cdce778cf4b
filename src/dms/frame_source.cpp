#include "dms/frame_source.h"

#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace onboard::dms {

struct FrameSource::State {
  std::string name;
  cv::VideoCapture capture;  // closed for a still image
  cv::Mat bgr;
  bool still = false, still_given = false, camera = false;
  double fps = 0;
  int64_t index = 0;
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
};

FrameSource::FrameSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
FrameSource::FrameSource(FrameSource&&) noexcept = default;
FrameSource& FrameSource::operator=(FrameSource&&) noexcept = default;
FrameSource::~FrameSource() = default;

Expected<FrameSource> FrameSource::open_image(const std::string& path) {
  auto s = std::make_unique<State>();
  s->name = path;
  s->bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (s->bgr.empty()) return make_error(ErrorCode::kIo, "cannot read image " + path + " (missing or not an image)");
  s->still = true;
  return FrameSource(std::move(s));
}

Expected<FrameSource> FrameSource::open_video(const std::string& path) {
  auto s = std::make_unique<State>();
  s->name = path;
  if (!s->capture.open(path, cv::CAP_ANY) || !s->capture.isOpened())
    return make_error(ErrorCode::kIo, "cannot open video " + path + " (missing, or a format OpenCV cannot decode)");
  s->fps = s->capture.get(cv::CAP_PROP_FPS);
  if (!(s->fps > 0 && s->fps < 1000)) s->fps = 30;  // some containers do not say; assume a camera's rate
  return FrameSource(std::move(s));
}

Expected<FrameSource> FrameSource::open_camera(int index) {
  auto s = std::make_unique<State>();
  s->name = "camera " + std::to_string(index);
  if (index < 0 || !s->capture.open(index, cv::CAP_V4L2) || !s->capture.isOpened())
    return make_error(ErrorCode::kIo, "cannot open camera " + std::to_string(index) + " (/dev/video" + std::to_string(index) + ")");
  s->camera = true;
  s->fps = s->capture.get(cv::CAP_PROP_FPS);
  s->opened = std::chrono::steady_clock::now();
  return FrameSource(std::move(s));
}

Expected<bool> FrameSource::next(vision::Image& frame, double& t_s) {
  State& s = *state_;
  if (s.still) {
    if (s.still_given) return false;
    s.still_given = true;
    t_s = 0;
  } else {
    if (!s.capture.read(s.bgr) || s.bgr.empty()) {
      if (s.camera) return make_error(ErrorCode::kIo, s.name + ": the camera stopped delivering frames");
      return false;
    }
    t_s = s.camera ? std::chrono::duration<double>(std::chrono::steady_clock::now() - s.opened).count()
                   : static_cast<double>(s.index) / s.fps;
    ++s.index;
  }
  if (s.bgr.type() != CV_8UC3)
    return make_error(ErrorCode::kUnsupported, s.name + ": frames of OpenCV type " + std::to_string(s.bgr.type()) + ", expected 8-bit BGR");
  frame.width = s.bgr.cols;
  frame.height = s.bgr.rows;
  frame.rgb.resize(static_cast<size_t>(frame.width) * frame.height * 3);
  cv::Mat rgb(frame.height, frame.width, CV_8UC3, frame.rgb.data());
  cv::cvtColor(s.bgr, rgb, cv::COLOR_BGR2RGB);
  return true;
}

double FrameSource::fps() const { return state_->fps; }
const std::string& FrameSource::name() const { return state_->name; }

}  // namespace onboard::dms
