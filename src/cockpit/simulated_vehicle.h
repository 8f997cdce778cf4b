// An in-process vehicle over the whole VSS tree, for tests, demos and `onboard vehicle`:
// parked (speed 0, gear P), doors closed and locked, windows closed, only the driver seated,
// cabin at 21 °C. Actuators take time: windows move 10 %/100 ms, seats and backrests at a
// finite rate, everything else settles after a short delay. A blocked actuator stops where it
// is (target ≠ actual), as a window with an obstacle does. Time comes from advance(ms) (tests)
// or a real-time ticker thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <condition_variable>

#include "cockpit/vehicle.h"

namespace onboard::cockpit {

struct SimulationOptions {
  bool realtime = false;        // a ticker thread advances time as the wall clock does
  int tick_ms = 20;             // the ticker's step
  int settle_ms = 50;           // delay of actuators that do not move gradually
  double window_percent_per_ms = 0.1;   // 10 % per 100 ms
  double seat_mm_per_ms = 0.05;         // 50 mm/s
  double recline_degrees_per_ms = 0.01; // 10 °/s
};

class SimulatedVehicle final : public Vehicle {
 public:
  SimulatedVehicle(VssTree tree, SimulationOptions options);
  ~SimulatedVehicle() override;
  SimulatedVehicle(const SimulatedVehicle&) = delete;
  SimulatedVehicle& operator=(const SimulatedVehicle&) = delete;

  const VssTree& tree() const override { return tree_; }
  Expected<VssValue> get(std::string_view path) override;
  Expected<VssValue> get_target(std::string_view path) override;
  Status actuate(std::string_view path, const VssValue& target) override;
  Status actuate_batch(const std::vector<std::pair<std::string, VssValue>>& targets) override;
  Status publish(std::string_view path, const VssValue& value) override;
  Expected<uint64_t> subscribe(std::vector<std::string> paths, Callback cb) override;
  void unsubscribe(uint64_t id) override;

  // Moves simulated time forward (the injected clock; the ticker calls it too).
  void advance(int ms);
  int64_t now_ms() const;
  // The actuator stops where it is until unblock (its target stays pending).
  Status block(std::string_view path);
  Status unblock(std::string_view path);
  // No provider for the actuators at or below `path`: actuations answer kUnavailable.
  Status set_provider_available(std::string_view path, bool available);

 private:
  struct SignalState;
  struct Subscription;
  using Changes = std::vector<std::shared_ptr<Subscription>>;  // subscriptions with queued changes

  Expected<size_t> index_of(std::string_view path) const;
  Expected<std::vector<size_t>> indices_at_or_under(std::string_view path) const;
  Expected<std::pair<size_t, VssValue>> validate_actuation(std::string_view path, const VssValue& target) const;
  void start_actuation(size_t i, VssValue target);
  void set_actual(size_t i, VssValue value, Changes& changes);
  void step(int ms, Changes& changes);
  void deliver(const Changes& touched);
  void drain(Subscription& sub);
  void run_ticker();

  VssTree tree_;
  SimulationOptions options_;
  mutable std::mutex mu_;  // state_, now_, moving_, subs_
  std::vector<SignalState> state_;
  std::vector<size_t> moving_;
  int64_t now_ = 0;
  std::vector<std::shared_ptr<Subscription>> subs_;
  uint64_t next_sub_id_ = 1;

  std::mutex ticker_mu_;
  std::condition_variable ticker_cv_;
  bool stopping_ = false;
  std::thread ticker_;
};

std::unique_ptr<SimulatedVehicle> make_simulated_vehicle(VssTree tree, SimulationOptions options = {});

}  // namespace onboard::cockpit
