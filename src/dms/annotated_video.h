// `onboard dms --out FILE`: the input video with the landmarks, face box, head pose, gaze zone
// and DMS state drawn on it. The only file the DMS path ever writes, and only when asked.
#pragma once

#include <memory>
#include <string>

#include "dms/driver_monitor.h"

namespace onboard::dms {

class AnnotatedVideo {
 public:
  static Expected<AnnotatedVideo> create(const std::string& path, int width, int height, double fps);
  AnnotatedVideo(AnnotatedVideo&&) noexcept;
  AnnotatedVideo& operator=(AnnotatedVideo&&) noexcept;
  ~AnnotatedVideo();

  // Draws onto a copy of `frame` and appends it; `state` is a line such as the last warning.
  Status write(const vision::Image& frame, const DmsFrame& dms, const DriverMonitor& monitor, const std::string& state);
  // The same drawing, shown in a window (onboard dms --show).
  static void show(const vision::Image& frame, const DmsFrame& dms, const DriverMonitor& monitor, const std::string& state);

  struct State;

 private:
  explicit AnnotatedVideo(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace onboard::dms
