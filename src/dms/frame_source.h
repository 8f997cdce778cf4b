// Where driver-monitoring frames come from: a still image, a video file or a V4L2 camera,
// through OpenCV, converted to the vision layer's RGB. Frames are handed over one at a time into
// the caller's buffer; the source keeps none of them.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "vision/image.h"

namespace onboard::dms {

class FrameSource {
 public:
  static Expected<FrameSource> open_image(const std::string& path);
  static Expected<FrameSource> open_video(const std::string& path);
  static Expected<FrameSource> open_camera(int index);
  FrameSource(FrameSource&&) noexcept;
  FrameSource& operator=(FrameSource&&) noexcept;
  ~FrameSource();

  // The next frame into `frame` (its buffer is reused) and its time in seconds on a monotonic
  // clock: the frame's position for files (frame index / fps), time since opening for a camera.
  // false at the end of a file.
  Expected<bool> next(vision::Image& frame, double& t_s);
  // Frames per second the source reports (0 when unknown, e.g. a still image).
  double fps() const;
  const std::string& name() const;

  struct State;

 private:
  explicit FrameSource(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace onboard::dms
