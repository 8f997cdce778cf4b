// The behaviour every Vehicle must show (KUKSA's error contract, slow and blocked actuators,
// batch atomicity, subscriptions), as a value-parameterized suite: simulated_vehicle_test.cpp
// runs it on the in-process simulation, kuksa_test.cpp through the gRPC broker and client.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cockpit/simulated_vehicle.h"
#include "cockpit/vehicle.h"

namespace onboard::cockpit {

class VehicleHarness {
 public:
  virtual ~VehicleHarness() = default;
  virtual Vehicle& vehicle() = 0;
  // The simulation behind the vehicle (its clock, block, providers); nullptr against a real
  // databroker, where the tests that need them skip.
  virtual SimulatedVehicle* simulation() = 0;
};

struct HarnessFactory {
  std::string name;
  std::function<std::unique_ptr<VehicleHarness>()> make;  // nullptr result: the suite skips
  std::string skip_message = "not available";
};

inline std::string harness_name(const testing::TestParamInfo<HarnessFactory>& info) { return info.param.name; }

// Subscription callbacks, waited for (over gRPC they come from another thread).
class Recorder {
 public:
  Vehicle::Callback callback() {
    return [this](const std::string& path, const VssValue& v) {
      std::lock_guard lock(mu_);
      seen_.emplace_back(path, v);
      cv_.notify_all();
    };
  }
  // True once `path` has been seen with `value`.
  bool wait_for(const std::string& path, const VssValue& value, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& [p, v] : seen_)
        if (p == path && v == value) return true;
      return false;
    });
  }
  std::vector<std::pair<std::string, VssValue>> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, VssValue>> seen_;
};

class VehicleBehaviour : public testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    if (!harness_) GTEST_SKIP() << GetParam().name << ": " << GetParam().skip_message;
  }
  Vehicle& vehicle() { return harness_->vehicle(); }
  SimulatedVehicle* sim() { return harness_->simulation(); }

  std::unique_ptr<VehicleHarness> harness_;
};

}  // namespace onboard::cockpit
