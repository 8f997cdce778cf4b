// The upstream circuit breaker: `failures` failed calls in a row open it; while open, requests
// go straight to the local model; after `cooldown` one trial call is let through (half-open)
// and its outcome closes or re-opens it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace onboard::gateway {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  CircuitBreaker(int failures, std::chrono::milliseconds cooldown) : failures_(failures), cooldown_(cooldown) {}

  // May a call go to the upstream now? (In half-open state only one caller gets true.)
  bool allow(Clock::time_point now = Clock::now());
  void record_success();
  void record_failure(Clock::time_point now = Clock::now());
  bool open(Clock::time_point now = Clock::now()) const;

 private:
  mutable std::mutex mu_;
  int failures_;
  std::chrono::milliseconds cooldown_;
  int consecutive_ = 0;
  bool tripped_ = false, trial_in_flight_ = false;
  Clock::time_point opened_at_{};
};

}  // namespace onboard::gateway
