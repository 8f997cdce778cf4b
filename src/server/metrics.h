// Server counters and histograms, rendered as Prometheus text. Thread-safe (atomics and one
// mutex for the histograms); updated by HTTP handlers and the scheduler's sequences.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

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

// Events per second over the last kWindow whole seconds (a ring of per-second counts).
class RateWindow {
 public:
  static constexpr int kWindow = 10;
  void add(int64_t n, std::chrono::steady_clock::time_point now);
  double per_second(std::chrono::steady_clock::time_point now) const;

 private:
  mutable std::mutex mu_;
  std::array<int64_t, kWindow> counts_{};
  std::array<int64_t, kWindow> second_{};  // which second each entry counts
};

// What /metrics shows of one served model.
struct ModelGauges {
  std::string id;
  SchedulerStats scheduler;
  int64_t kv_tokens = 0, kv_capacity = 0;  // tokens held in the slots' KV caches, and room for
};

struct Metrics {
  std::atomic<int64_t> requests_ok{0}, requests_error{0}, requests_rejected{0}, requests_cancelled{0};
  std::atomic<int64_t> prompt_tokens{0}, generated_tokens{0};
  std::atomic<int64_t> cached_prompt_tokens{0};  // prompt tokens whose KV a slot already held
  Histogram ttft[kNumPriorities];       // seconds from arrival to first token
  Histogram inter_token[kNumPriorities];
  RateWindow token_rate;  // generated tokens

  std::string render(const std::vector<ModelGauges>& models) const;
};

}  // namespace onboard::server
