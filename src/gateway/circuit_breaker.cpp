#include "gateway/circuit_breaker.h"

namespace onboard::gateway {

bool CircuitBreaker::allow(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!tripped_) return true;
  if (now - opened_at_ < cooldown_ || trial_in_flight_) return false;
  trial_in_flight_ = true;
  return true;
}

void CircuitBreaker::record_success() {
  std::lock_guard<std::mutex> lock(mu_);
  consecutive_ = 0;
  tripped_ = trial_in_flight_ = false;
}

void CircuitBreaker::record_failure(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  trial_in_flight_ = false;
  if (tripped_ || ++consecutive_ >= failures_) {
    tripped_ = true;
    opened_at_ = now;
  }
}

bool CircuitBreaker::open(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return tripped_ && now - opened_at_ < cooldown_;
}

}  // namespace onboard::gateway
