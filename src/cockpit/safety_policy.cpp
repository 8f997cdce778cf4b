#include "cockpit/safety_policy.h"

#include <optional>

#include "cockpit/safety_rules.h"
#include "cockpit/vss_number.h"

namespace onboard::cockpit {
namespace {

constexpr int64_t kGearPark = 126;  // VSS Powertrain.Transmission.SelectedGear: 126 = Park

bool opens(const VssValue& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* s = std::get_if<std::string>(&v)) return *s == "OPEN" || *s == "ONE_SHOT_OPEN" || *s == "TILT_UP";
  if (auto n = as_number(v)) return *n > 0;
  return false;
}

bool covers(const SafetyRule& r, std::string_view path) {
  if (path.substr(0, r.prefix.size()) != r.prefix) return false;
  if (r.prefix.back() != '.' && r.suffix.empty() && path.size() > r.prefix.size() && path[r.prefix.size()] != '.')
    return false;  // "Vehicle.ADAS" must not cover "Vehicle.ADASX"
  return r.suffix.empty() || (path.size() >= r.suffix.size() && path.substr(path.size() - r.suffix.size()) == r.suffix);
}

std::optional<double> read_number(Vehicle& vehicle, std::string_view path) {
  Expected<VssValue> v = vehicle.get(path);
  if (!v.ok()) return std::nullopt;
  return as_number(*v);
}

bool read_flag(Vehicle& vehicle, const std::string& path) {
  Expected<VssValue> v = vehicle.get(path);
  if (!v.ok()) return false;
  auto* b = std::get_if<bool>(&*v);
  return b && *b;
}

// "Vehicle.Cabin.Door.Row2.DriverSide.IsOpen" → "Row2.DriverSide".
std::string door_instance(std::string_view path) {
  constexpr std::string_view kDoor = "Vehicle.Cabin.Door.";
  std::string_view rest = path.substr(kDoor.size());
  size_t dot1 = rest.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : rest.find('.', dot1 + 1);
  return std::string(rest.substr(0, dot2));
}

PolicyDecision verdict(PolicyDecision d, Verdict v, std::string_view rule, std::string reason) {
  d.verdict = v;
  d.rule = rule;
  d.reason = std::move(reason);
  return d;
}

std::string say(Lang lang, const SafetyRule& r) { return std::string(lang == Lang::kZh ? r.reason_zh : r.reason_en); }

VssValue same_type_number(const VssValue& like, double x) {
  if (std::holds_alternative<int64_t>(like)) return static_cast<int64_t>(x);
  if (std::holds_alternative<uint64_t>(like)) return static_cast<uint64_t>(x);
  if (std::holds_alternative<std::string>(like)) return std::string("CLOSE");
  return x;
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kAllow: return "allow";
    case Verdict::kLimit: return "limit";
    case Verdict::kConfirm: return "confirm";
    case Verdict::kRefuse: return "refuse";
  }
  return "refuse";
}

bool vehicle_is_moving(Vehicle& vehicle) {
  std::optional<double> speed = read_number(vehicle, "Vehicle.Speed");
  if (!speed || *speed > 0) return true;
  std::optional<double> gear = read_number(vehicle, "Vehicle.Powertrain.Transmission.SelectedGear");
  return gear && *gear != kGearPark;
}

PolicyDecision SafetyPolicy::check(Vehicle& vehicle, std::string_view path, const VssValue& value,
                                   std::string_view speaker_seat, Lang lang, bool confirmed) const {
  PolicyDecision d{std::string(path), value, value, Verdict::kAllow, {}, {}};
  const bool zh = lang == Lang::kZh;
  for (const SafetyRule& r : safety_rules())  // forbidden subtrees first: they hold whatever the value
    if (r.kind == RuleKind::kForbidden && covers(r, path)) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));

  const VssSignal* s = vehicle.tree().find(path);
  if (!s)
    return verdict(d, Verdict::kRefuse, "vss_unknown_path",
                   zh ? "车上没有这个信号：" + std::string(path) : "This car has no signal " + std::string(path) + ".");
  if (s->type != VssNodeType::kActuator)
    return verdict(d, Verdict::kRefuse, "vss_not_actuator",
                   zh ? std::string(path) + " 不是可以控制的执行器。" : std::string(path) + " is not something I can control.");
  if (Status st = check_value(*s, value); !st.ok())
    return verdict(d, Verdict::kRefuse, "vss_type_range",
                   zh ? "数值不被接受：" + st.error().message : "That value isn't accepted: " + st.error().message);

  std::optional<bool> moving;
  auto is_moving = [&] {
    if (!moving) moving = vehicle_is_moving(vehicle);
    return *moving;
  };
  std::string seat = seat_instance(speaker_seat);
  const bool rear_speaker = seat.rfind("Row1.", 0) != 0;
  for (const SafetyRule& r : safety_rules()) {
    if (!covers(r, path)) continue;
    switch (r.kind) {
      case RuleKind::kForbidden: break;
      case RuleKind::kNoOpenWhileMoving:
        if (opens(value) && is_moving()) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
        break;
      case RuleKind::kNoChangeWhileMoving:
        if (is_moving()) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
        break;
      case RuleKind::kLimitAboveSpeed: {
        std::optional<double> speed = read_number(vehicle, "Vehicle.Speed");
        std::optional<double> n = as_number(value);
        bool too_open = n ? *n > r.limit : opens(value);
        if (too_open && (!speed || *speed > r.threshold)) {
          if (!n) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
          d.value = same_type_number(value, r.limit);
          d = verdict(d, Verdict::kLimit, r.id, say(lang, r));
        }
        break;
      }
      case RuleKind::kRange:
        if (std::optional<double> n = as_number(value); n && (*n < r.threshold || *n > r.limit))
          return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
        break;
      case RuleKind::kChildLock: {
        if (!rear_speaker || (r.suffix == ".IsOpen" && !opens(value))) break;
        std::string lock(r.lock_signal);
        if (size_t p = lock.find("{door}"); p != std::string::npos) lock.replace(p, 6, door_instance(path));
        if (read_flag(vehicle, lock)) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
        break;
      }
      case RuleKind::kConfirm:
        if (opens(value) && !confirmed) return verdict(d, Verdict::kConfirm, r.id, say(lang, r));
        break;
      case RuleKind::kRateLimit: {
        auto it = history_.find(path);
        if (it == history_.end()) break;
        auto now = clock_();
        auto window = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(r.threshold));
        while (!it->second.empty() && now - it->second.front() > window) it->second.pop_front();
        if (static_cast<double>(it->second.size()) >= r.limit) return verdict(d, Verdict::kRefuse, r.id, say(lang, r));
        break;
      }
    }
  }
  return d;
}

void SafetyPolicy::record(std::string_view path) {
  auto it = history_.find(path);
  if (it == history_.end()) it = history_.emplace(std::string(path), std::deque<std::chrono::steady_clock::time_point>{}).first;
  it->second.push_back(clock_());
}

}  // namespace onboard::cockpit
