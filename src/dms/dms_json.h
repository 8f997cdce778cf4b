// The driver monitor's events and VSS signals as JSON, for the event stream and the console.
#pragma once

#include <nlohmann/json.hpp>

#include "dms/dms_signal_sink.h"
#include "dms/dms_state_machine.h"

namespace onboard::dms {

// {"t_s", "kind", "level", "detail"}
nlohmann::json event_json(const DmsEvent& e);

// Collects published signals into {"Vehicle.Driver.FatigueLevel": ..., ...}.
class JsonSignalSink final : public DmsSignalSink {
 public:
  void publish(std::string_view vss_path, float value) override { json_[std::string(vss_path)] = value; }
  void publish(std::string_view vss_path, bool value) override { json_[std::string(vss_path)] = value; }
  const nlohmann::json& json() const { return json_; }

 private:
  nlohmann::json json_ = nlohmann::json::object();
};

}  // namespace onboard::dms
