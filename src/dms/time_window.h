// Time inside a sliding window, from a sequence of [begin, end) intervals on the monotonic clock:
// how long the eyes were closed in the last 60 s, how long the gaze was away in the last 30 s.
// Adjacent intervals merge, and intervals older than the window are dropped, so the store holds
// at most one interval per state change inside the window.
#pragma once

#include <algorithm>
#include <deque>

namespace onboard::dms {

class TimeWindow {
 public:
  explicit TimeWindow(double length_s) : length_s_(length_s) {}

  void add(double begin, double end) {
    if (end <= begin) return;
    if (!spans_.empty() && begin <= spans_.back().end + 1e-9) {
      spans_.back().end = std::max(spans_.back().end, end);
    } else {
      spans_.push_back({begin, end});
    }
    while (!spans_.empty() && spans_.front().end <= end - length_s_) spans_.pop_front();
  }
  // Seconds covered within (now - length, now].
  double total(double now) const {
    const double from = now - length_s_;
    double sum = 0;
    for (const Span& s : spans_) sum += std::max(0.0, std::min(s.end, now) - std::max(s.begin, from));
    return sum;
  }
  void clear() { spans_.clear(); }
  double length() const { return length_s_; }

 private:
  struct Span {
    double begin, end;
  };
  double length_s_;
  std::deque<Span> spans_;
};

}  // namespace onboard::dms
