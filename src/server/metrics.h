// Server counters and histograms, rendered as Prometheus text. Thread-safe (atomics and one
// mutex for the histograms); updated by HTTP handlers and the scheduler's sequences.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "server/scheduler.h"

namespace onboard::server {

class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,    2.5,   5,    10,  30};
  void observe(double v);
  // Appends "name_bucket{labels,le=...}" lines etc.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  mutable std::mutex mu_;
  std::array<uint64_t, kBounds.size() + 1> counts_{};
  double sum_ = 0;
  uint64_t count_ = 0;
};

struct Metrics {
  std::atomic<int64_t> requests_ok{0}, requests_error{0}, requests_rejected{0}, requests_cancelled{0};
  std::atomic<int64_t> prompt_tokens{0}, generated_tokens{0};
  Histogram ttft[kNumPriorities];       // seconds from arrival to first token
  Histogram inter_token[kNumPriorities];

  // `schedulers`: the stats of every served model's scheduler, with its model id.
  std::string render(const std::vector<std::pair<std::string, SchedulerStats>>& schedulers) const;
};

}  // namespace onboard::server
