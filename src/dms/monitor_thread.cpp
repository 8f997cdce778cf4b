#include "dms/monitor_thread.h"

#include <chrono>

namespace onboard::dms {

MonitorThread::MonitorThread(FrameSource source, DriverMonitor monitor, float speed_kmh, MonitorCallbacks callbacks)
    : source_(std::move(source)),
      monitor_(std::move(monitor)),
      speed_kmh_(speed_kmh),
      callbacks_(std::move(callbacks)),
      thread_([this] { loop(); }) {}

MonitorThread::~MonitorThread() { stop(); }

void MonitorThread::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void MonitorThread::loop() {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  vision::Image frame;
  std::vector<DmsEvent> events;
  double t = 0, last_signals_t = -1;
  while (!stop_.load()) {
    auto more = source_.next(frame, t);
    if (!more.ok()) {
      if (callbacks_.on_error) callbacks_.on_error(more.error());
      break;
    }
    if (!*more) break;
    // A file delivers frames faster than real time: wait until the frame's moment.
    std::this_thread::sleep_until(started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t)));
    events.clear();
    auto r = monitor_.process(frame, t, speed_kmh_, events);
    if (!r.ok()) {
      if (callbacks_.on_error) callbacks_.on_error(r.error());
      break;
    }
    if (callbacks_.on_event)
      for (const auto& e : events) callbacks_.on_event(e);
    if (callbacks_.on_signals && (last_signals_t < 0 || t - last_signals_t >= 1.0)) {
      last_signals_t = t;
      callbacks_.on_signals(t, r->signals);
    }
  }
  running_.store(false);
}

}  // namespace onboard::dms
