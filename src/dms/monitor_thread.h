// The driver monitor running on a thread of its own (onboard serve --dms-camera/--dms-video):
// frames from the source through the pipeline and rules, warnings and the VSS signals handed to
// callbacks. A video file is paced to its frame times so it behaves like a camera.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "dms/driver_monitor.h"
#include "dms/frame_source.h"

namespace onboard::dms {

struct MonitorCallbacks {
  std::function<void(const DmsEvent&)> on_event;
  std::function<void(double t_s, const DmsSignals&)> on_signals;  // about once a second
  std::function<void(const Error&)> on_error;                     // the loop stopped on this
};

class MonitorThread {
 public:
  MonitorThread(FrameSource source, DriverMonitor monitor, float speed_kmh, MonitorCallbacks callbacks);
  ~MonitorThread();
  MonitorThread(const MonitorThread&) = delete;
  MonitorThread& operator=(const MonitorThread&) = delete;

  void stop();  // returns once the loop has ended
  bool running() const { return running_.load(); }

 private:
  void loop();

  FrameSource source_;
  DriverMonitor monitor_;
  float speed_kmh_;
  MonitorCallbacks callbacks_;
  std::atomic<bool> stop_{false}, running_{true};
  std::thread thread_;
};

}  // namespace onboard::dms
