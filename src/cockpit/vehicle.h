// What the cockpit talks to: the in-process simulation (simulated_vehicle.h) or a KUKSA.val v2
// databroker over gRPC. Actuators follow VSS: a read gives the actual value, an actuation sets
// the wanted (target) value, and the two may differ for a long time (or forever, when blocked).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cockpit/vss_tree.h"
#include "cockpit/vss_value.h"
#include "core/status.h"

namespace onboard::cockpit {

class Vehicle {
 public:
  virtual ~Vehicle() = default;
  virtual const VssTree& tree() const = 0;
  // The actual/current value; monostate when none is known yet. kNotFound for unknown paths.
  virtual Expected<VssValue> get(std::string_view path) = 0;
  // The wanted value of an actuator that has not reached it yet; monostate when none is
  // pending (or the vehicle cannot tell, as KUKSA v2 keeps one value per signal).
  virtual Expected<VssValue> get_target(std::string_view path) {
    ONBOARD_ASSIGN_OR_RETURN(auto actual, get(path));
    (void)actual;
    return VssValue{};
  }
  // KUKSA's contract: kNotFound unknown path; kInvalidArgument not an actuator / wrong type /
  // out of range / not allowed; kUnavailable no provider.
  virtual Status actuate(std::string_view path, const VssValue& target) = 0;
  // Atomic: any error → nothing applied.
  virtual Status actuate_batch(const std::vector<std::pair<std::string, VssValue>>& targets) = 0;
  // A provider sets a sensor/actual value (tests, demos).
  virtual Status publish(std::string_view path, const VssValue& value) = 0;
  using Callback = std::function<void(const std::string& path, const VssValue& value)>;
  // Sends the current values first, then every change, until unsubscribe. Callbacks may come
  // from another thread; after unsubscribe returns no callback of that id runs.
  virtual Expected<uint64_t> subscribe(std::vector<std::string> paths, Callback cb) = 0;
  virtual void unsubscribe(uint64_t id) = 0;
};

}  // namespace onboard::cockpit
