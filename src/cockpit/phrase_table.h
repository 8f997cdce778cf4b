// The fast path's vocabulary as data: what words name a device, an action or a seat/zone, and
// how a (device, action) pair becomes a VSS path and a value. Values that depend on the signal
// (fully open, closed, half, a step within the range) are resolved from the VSS tree's metadata
// by the intent compiler, not written here.
#pragma once

#include <span>
#include <string_view>

namespace onboard::cockpit {

enum class Device {
  kNone, kTemperature, kFan, kAirConditioning, kRecirculation, kFrontDefrost, kRearDefrost, kWindow,
  kSeatHeating, kSeatCooling, kMassage, kSeatRecline, kDomeLight, kReadingLight, kAmbientLight,
  kMedia, kVolume, kDoor, kTrunk, kWiper, kSunroof,
};

enum class Action {
  kNone, kOn, kOff, kSet, kUp, kDown, kHalf, kFlat, kUpright, kLock, kUnlock, kPlay, kPause,
  kNext, kPrevious, kMute, kSlow, kMedium, kFast, kAuto, kTilt, kMax, kMin,
};

// kAllUnlessNamed: an English plural ("close the windows") means every one, unless a zone is named.
enum class Zone { kNone, kDriver, kPassenger, kRearLeft, kRearRight, kRear, kFront, kAll, kSpeaker, kAllUnlessNamed };

// A phrase may name any of the three (e.g. "warmer" = temperature + up; "左后窗" = zone + device).
struct Phrase {
  std::string_view text;
  Device device = Device::kNone;
  Action action = Action::kNone;
  Zone zone = Zone::kNone;
  std::string_view color = {};  // ambient colour words carry their RGB code
};

enum class ValueRule {
  kTrue, kFalse,
  kMax, kMin, kMid,          // of the signal's VSS range
  kSpoken,                   // the number said; missing → clarifying question
  kStepUp, kStepDown,        // current ± the number said, else ± step; clamped to the VSS range
  kNumber,                   // the constant `number`
  kText,                     // the constant `text` (an allowed value)
  kSpokenOrNumber,           // the number said, else `number`
  kColor,                    // the colour named in the utterance
};

// Where an action goes. `path` may hold "{hvac}" (Row1.Driver …) or "{side}" (Row1.DriverSide …),
// expanded per zone; `all_by_default` for things people mean car-wide ("lock the doors").
struct TargetRule {
  Device device;
  Action action;
  std::string_view path;
  ValueRule rule;
  double number = 0;
  std::string_view text = {};
  bool all_by_default = false;
};

std::span<const Phrase> phrase_table();
std::span<const TargetRule> target_rules();

}  // namespace onboard::cockpit
