// Where the driver monitor's VSS signals go: the cockpit's vehicle API (an adapter over
// Vehicle::publish when that exists), a test recorder, the console. Kept to an interface so the
// DMS depends on nothing outside itself.
#pragma once

#include <string_view>

#include "dms/dms_state_machine.h"

namespace onboard::dms {

class DmsSignalSink {
 public:
  virtual ~DmsSignalSink() = default;
  virtual void publish(std::string_view vss_path, float value) = 0;
  virtual void publish(std::string_view vss_path, bool value) = 0;
};

inline constexpr std::string_view kVssFatigueLevel = "Vehicle.Driver.FatigueLevel";
inline constexpr std::string_view kVssDistractionLevel = "Vehicle.Driver.DistractionLevel";
inline constexpr std::string_view kVssAttentiveProbability = "Vehicle.Driver.AttentiveProbability";
inline constexpr std::string_view kVssIsEyesOnRoad = "Vehicle.Driver.IsEyesOnRoad";

// The four Vehicle.Driver signals of VSS 6.0 (percent 0-100, and a boolean).
inline void publish_signals(const DmsSignals& s, DmsSignalSink& sink) {
  sink.publish(kVssFatigueLevel, s.fatigue_level);
  sink.publish(kVssDistractionLevel, s.distraction_level);
  sink.publish(kVssAttentiveProbability, s.attentive_probability);
  sink.publish(kVssIsEyesOnRoad, s.is_eyes_on_road);
}

}  // namespace onboard::dms
