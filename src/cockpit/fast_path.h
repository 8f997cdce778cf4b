// The cockpit fast path: deterministic understanding of common commands (zh, en, mixed), compiled
// against the VSS tree so paths, ranges and allowed values come from the signal metadata.
// Anything it does not recognise goes to the language model.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cockpit/phrase_table.h"
#include "cockpit/vss_tree.h"
#include "cockpit/vss_value.h"

namespace onboard::cockpit {

enum class Lang { kZh, kEn };
Lang detect_lang(std::string_view text);  // any CJK character → zh
std::string_view to_string(Lang lang);

struct PlannedAction {
  std::string path;
  VssValue value;
  Device device = Device::kNone;
};

struct Understanding {
  enum class Kind { kActions, kClarify, kUnknown };
  Kind kind = Kind::kUnknown;
  std::vector<PlannedAction> actions;
  std::string clarification;  // the question, in the user's language
};

// Reads a current value (relative changes: "调高两度" needs today's temperature).
using CurrentValue = std::function<Expected<VssValue>(std::string_view path)>;

class FastPath {
 public:
  explicit FastPath(const VssTree& tree) : tree_(tree) {}
  // `seat` is the speaker's seat as a VSS instance ("Row1.DriverSide", "Row2.PassengerSide") or
  // one of driver/passenger/rear_left/rear_right; it is the default zone.
  Understanding understand(std::string_view text, std::string_view seat, Lang lang,
                           const CurrentValue& current) const;

 private:
  const VssTree& tree_;
};

// "Row1.DriverSide" for the seat words a request may carry; empty when unknown.
std::string seat_instance(std::string_view seat);
// The device's name in the user's language, for replies ("主驾温度" is built from it).
std::string_view device_name(Device device, Lang lang);

}  // namespace onboard::cockpit
