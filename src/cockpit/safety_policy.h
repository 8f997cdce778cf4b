// The one gate between any decision (fast path or model) and the vehicle: every call is checked
// against VSS metadata (actuator, type, range, allowed) and the rows of safety_rules.cpp, reading
// the vehicle's state (speed, gear, child locks). A refusal names its rule and says why in the
// user's language.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "cockpit/fast_path.h"
#include "cockpit/vehicle.h"

namespace onboard::cockpit {

enum class Verdict { kAllow, kLimit, kConfirm, kRefuse };
std::string_view to_string(Verdict v);

struct PolicyDecision {
  std::string path;
  VssValue requested;
  VssValue value;  // what may be sent (differs from requested under kLimit)
  Verdict verdict = Verdict::kRefuse;
  std::string rule;    // the rule's id ("vss_type", "door_closed_while_moving", …)
  std::string reason;  // in the user's language; empty when allowed as asked
};

class SafetyPolicy {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit SafetyPolicy(Clock clock = [] { return std::chrono::steady_clock::now(); }) : clock_(std::move(clock)) {}

  // `confirmed`: the user already said yes to this action (confirmation rules then pass).
  PolicyDecision check(Vehicle& vehicle, std::string_view path, const VssValue& value, std::string_view speaker_seat,
                       Lang lang, bool confirmed = false) const;
  // Counts an actuation for the rate limit.
  void record(std::string_view path);

 private:
  Clock clock_;
  mutable std::map<std::string, std::deque<std::chrono::steady_clock::time_point>, std::less<>> history_;
};

// Moving = speed above 0 or gear not in park (VSS SelectedGear 126); unreadable counts as moving.
bool vehicle_is_moving(Vehicle& vehicle);

}  // namespace onboard::cockpit
