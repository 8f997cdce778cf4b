// The COVESA Vehicle Signal Specification tree as the cockpit sees it: every leaf (sensor,
// actuator, attribute) with its datatype, unit and limits, loaded from a VSS release JSON
// export (the format KUKSA's databroker loads). Branches are kept only as paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace onboard::cockpit {

enum class VssNodeType { kSensor, kActuator, kAttribute };
enum class VssDatatype { kBoolean, kInt8, kInt16, kInt32, kInt64, kUint8, kUint16, kUint32, kUint64, kFloat, kDouble, kString };

struct VssSignal {                 // one leaf, instances already expanded (…Row1.DriverSide…)
  std::string path;                // "Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"
  VssNodeType type = VssNodeType::kSensor;
  VssDatatype datatype = VssDatatype::kString;
  bool is_array = false;           // "string[]" etc.
  std::string unit;                // "Celsius", "percent", "km/h", "" when none
  std::optional<double> min, max;
  std::vector<std::string> allowed;
  std::string description;
  nlohmann::json default_value;    // the spec's "default", null when none
};

class VssTree {
 public:
  // Errors name the file and the node (dot path) that is malformed.
  static Expected<VssTree> load_json(const std::string& file);
  static Expected<VssTree> parse_json(std::string_view text, std::string_view source_name);

  const VssSignal* find(std::string_view path) const;  // nullptr when unknown or a branch
  bool is_branch(std::string_view path) const;
  const std::vector<VssSignal>& signals() const { return signals_; }  // every leaf, sorted by path
  std::vector<const VssSignal*> under(std::string_view branch) const;  // leaves below a branch path
  const std::vector<std::string>& branches() const { return branches_; }  // sorted

 private:
  std::vector<VssSignal> signals_;
  std::vector<std::string> branches_;
};

std::string_view to_string(VssDatatype);
std::string_view to_string(VssNodeType);

}  // namespace onboard::cockpit
