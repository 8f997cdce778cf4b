#include "cockpit/fast_path.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "cockpit/spoken_number.h"
#include "cockpit/vss_number.h"

namespace onboard::cockpit {
namespace {

bool is_word_char(unsigned char c) { return std::isalnum(c) != 0 || c == '\'' || c == '/'; }
bool is_ascii_phrase(std::string_view t) { return !t.empty() && static_cast<unsigned char>(t[0]) < 0x80; }

std::string lower(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// Clause separators: each clause is one command ("打开空调然后调到22度").
constexpr std::array<std::string_view, 16> kSeparators{
    "，", ",", "。", "；", ";", "然后", "并且", "同时", "顺便", "还有", "以及", "再把", " and then ", " then ",
    " and ", " also "};

std::vector<std::string_view> split_clauses(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0, pos = 0;
  while (pos < text.size()) {
    size_t hit = 0;
    for (std::string_view sep : kSeparators)
      if (text.substr(pos, sep.size()) == sep) { hit = sep.size(); break; }
    if (hit) {
      out.push_back(text.substr(start, pos - start));
      pos += hit;
      start = pos;
    } else {
      ++pos;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

struct Clause {
  std::vector<Device> devices;  // "打开顶灯和阅读灯": one command for two devices
  std::vector<std::pair<Action, bool>> actions;  // bool: said with its device ("下一首", "warmer")
  std::vector<Zone> zones;
  std::optional<SpokenNumber> number;
  bool degrees = false;
  std::string_view color;
};

const Phrase* phrase_at(std::string_view text, size_t pos) {
  const Phrase* best = nullptr;
  for (const Phrase& p : phrase_table()) {
    if (text.substr(pos, p.text.size()) != p.text) continue;
    if (is_ascii_phrase(p.text)) {
      if (pos > 0 && is_word_char(static_cast<unsigned char>(text[pos - 1]))) continue;
      size_t e = pos + p.text.size();
      if (e < text.size() && is_word_char(static_cast<unsigned char>(text[e]))) continue;
    }
    if (!best || p.text.size() > best->text.size()) best = &p;
  }
  return best;
}

bool degree_unit_at(std::string_view text, size_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  for (std::string_view u : {"度", "°", "℃", "degrees", "degree", "celsius"})
    if (text.substr(pos, u.size()) == u) return true;
  return false;
}

Clause parse_clause(std::string_view text) {
  Clause c;
  size_t pos = 0;
  while (pos < text.size()) {
    const Phrase* p = phrase_at(text, pos);
    std::optional<SpokenNumber> n = spoken_number_at(text, pos);
    if (n && (!p || n->end - pos >= p->text.size())) {
      c.number = n;
      c.degrees = c.degrees || degree_unit_at(text, n->end);
      pos = n->end;
      continue;
    }
    if (p) {
      if (p->device != Device::kNone && std::find(c.devices.begin(), c.devices.end(), p->device) == c.devices.end())
        c.devices.push_back(p->device);
      if (p->action != Action::kNone) c.actions.emplace_back(p->action, p->device != Device::kNone);
      if (p->zone != Zone::kNone) c.zones.push_back(p->zone);
      if (!p->color.empty()) c.color = p->color;
      pos += p->text.size();
      continue;
    }
    unsigned char ch = static_cast<unsigned char>(text[pos]);
    if (is_word_char(ch)) {
      while (pos < text.size() && is_word_char(static_cast<unsigned char>(text[pos]))) ++pos;
    } else {
      pos += utf8_len(ch);
    }
  }
  return c;
}

// Of several action words the most specific decides ("open the window halfway" = half); a word
// said together with its device ("下一首") outranks a generic one of its tier, except on/off: in
// "关闭内循环" the spoken 关闭 beats the "on" that 内循环 implies.
int specificity(std::pair<Action, bool> a) {
  auto [action, bound] = a;
  switch (action) {
    case Action::kNone: return 0;
    case Action::kOn: case Action::kOff: return bound ? 1 : 2;
    case Action::kSet: return 4 + bound;
    case Action::kUp: case Action::kDown: return 6 + bound;
    default: return 8 + bound;
  }
}

// The clause's actions, most specific first; the compiler takes the first one the device has a rule for.
std::vector<Action> ranked_actions(const Clause& c) {
  std::vector<std::pair<Action, bool>> a = c.actions;
  std::stable_sort(a.begin(), a.end(), [](auto x, auto y) { return specificity(x) > specificity(y); });
  std::vector<Action> out;
  bool has_set = std::any_of(a.begin(), a.end(), [](auto x) { return x.first == Action::kSet; });
  if (has_set && c.number) out.push_back(Action::kSet);  // "raise the temperature to 24"
  for (auto [action, bound] : a) {
    if (action == Action::kOn && c.number) out.push_back(Action::kSet);  // "打开车窗百分之三十"
    out.push_back(action);
  }
  if (out.empty() && (c.number || !c.color.empty())) out.push_back(Action::kSet);
  return out;
}

const TargetRule* find_rule(Device d, Action a) {
  for (const TargetRule& r : target_rules())
    if (r.device == d && r.action == a) return &r;
  return nullptr;
}

std::string side_instance(Zone z) {
  switch (z) {
    case Zone::kDriver: return "Row1.DriverSide";
    case Zone::kPassenger: return "Row1.PassengerSide";
    case Zone::kRearLeft: return "Row2.DriverSide";
    case Zone::kRearRight: return "Row2.PassengerSide";
    default: return {};
  }
}

std::vector<std::string> zone_instances(Zone z, const std::string& speaker) {
  switch (z) {
    case Zone::kRear: return {"Row2.DriverSide", "Row2.PassengerSide"};
    case Zone::kFront: return {"Row1.DriverSide", "Row1.PassengerSide"};
    case Zone::kAll: return {"Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.PassengerSide"};
    case Zone::kSpeaker: case Zone::kNone: return {speaker};
    default: return {side_instance(z)};
  }
}

// "Row1.DriverSide" → the HVAC station "Row1.Driver".
std::string hvac_instance(std::string side) {
  if (size_t p = side.rfind("Side"); p != std::string::npos && p + 4 == side.size()) side.resize(p);
  return side;
}

std::string expand(std::string_view path, const std::string& instance) {
  std::string out(path);
  for (auto [key, value] : {std::pair<std::string_view, std::string>{"{side}", instance},
                            std::pair<std::string_view, std::string>{"{hvac}", hvac_instance(instance)}}) {
    if (size_t p = out.find(key); p != std::string::npos) out.replace(p, key.size(), value);
  }
  return out;
}

bool is_integer_type(VssDatatype t) { return t != VssDatatype::kFloat && t != VssDatatype::kDouble; }

Expected<VssValue> number_value(const VssSignal& s, double x) {
  if (is_integer_type(s.datatype)) return value_from_json(s, nlohmann::json(static_cast<int64_t>(std::lround(x))));
  return value_from_json(s, nlohmann::json(x));
}

struct Texts { std::string_view zh, en; };


// One (clause, device) → planned actions appended to u. False: stop — u holds a clarifying
// question, or (kind left kUnknown) the combination has no rule and the model should decide.
bool compile_clause(const VssTree& tree, const Clause& c, Device device, const std::string& speaker, Lang lang,
                    const CurrentValue& current, Understanding& u) {
  std::string dev(device_name(device, lang));
  auto clarify = [&](std::string question) {
    u.kind = Understanding::Kind::kClarify;
    u.clarification = std::move(question);
    return false;
  };
  std::vector<Action> candidates = ranked_actions(c);
  if (candidates.empty())
    return clarify(lang == Lang::kZh ? "请问要对" + dev + "做什么？打开、关闭还是调节？"
                                     : "What should I do with the " + dev + ": turn it on, off, or adjust it?");
  const TargetRule* rule = nullptr;
  std::optional<ValueRule> override_rule;
  for (Action action : candidates) {
    if ((rule = find_rule(device, action))) break;
    if (action == Action::kHalf || action == Action::kMax || action == Action::kMin) {
      // "音量调到一半": a set to the middle (or an end) of the signal's range
      if ((rule = find_rule(device, Action::kSet))) {
        override_rule = action == Action::kHalf ? ValueRule::kMid : action == Action::kMax ? ValueRule::kMax : ValueRule::kMin;
        break;
      }
    }
  }
  if (!rule) return false;
  ValueRule vr = override_rule.value_or(rule->rule);
  if (vr == ValueRule::kSpoken && !c.number)
    return clarify(lang == Lang::kZh ? "请问" + dev + "要调到多少？" : "What should I set the " + dev + " to?");
  if (vr == ValueRule::kColor && c.color.empty())
    return clarify(lang == Lang::kZh ? "请问换成什么颜色？" : "Which colour would you like?");

  std::vector<Zone> zones;
  for (Zone z : c.zones)
    if (z != Zone::kAllUnlessNamed) zones.push_back(z);
  if (zones.empty())
    zones.push_back(rule->all_by_default || !c.zones.empty() ? Zone::kAll : Zone::kSpeaker);
  std::vector<std::string> paths;
  if (rule->path.find('{') == std::string_view::npos) {
    paths.emplace_back(rule->path);
  } else {
    for (Zone z : zones)
      for (const std::string& inst : zone_instances(z, speaker)) {
        std::string p = expand(rule->path, inst);
        if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(std::move(p));
      }
  }
  for (const std::string& path : paths) {
    const VssSignal* s = tree.find(path);
    if (!s) continue;  // this car has no such instance (e.g. an HVAC station for a middle seat)
    double lo = s->min.value_or(0), hi = s->max.value_or(100);
    Expected<VssValue> value = make_error(ErrorCode::kInternal, "unset");
    switch (vr) {
      case ValueRule::kTrue: value = VssValue(true); break;
      case ValueRule::kFalse: value = VssValue(false); break;
      case ValueRule::kText: value = VssValue(std::string(rule->text)); break;
      case ValueRule::kColor: value = VssValue(std::string(c.color)); break;
      case ValueRule::kMax: value = number_value(*s, hi); break;
      case ValueRule::kMin: value = number_value(*s, lo); break;
      case ValueRule::kMid: value = number_value(*s, (lo + hi) / 2); break;
      case ValueRule::kNumber: value = number_value(*s, rule->number); break;
      case ValueRule::kSpoken: value = number_value(*s, c.number->value); break;
      case ValueRule::kSpokenOrNumber: value = number_value(*s, c.number ? c.number->value : rule->number); break;
      case ValueRule::kStepUp:
      case ValueRule::kStepDown: {
        Expected<VssValue> now = current(path);
        std::optional<double> base = now.ok() ? as_number(*now) : std::nullopt;
        if (!base)
          return clarify(lang == Lang::kZh ? "现在读不到" + dev + "的当前值，请说一个具体数值。"
                                           : "I can't read the current " + dev + "; please say a value.");
        double step = c.number ? c.number->value : rule->number;
        double x = *base + (vr == ValueRule::kStepUp ? step : -step);
        if (s->min) x = std::max(x, *s->min);
        if (s->max) x = std::min(x, *s->max);
        value = number_value(*s, x);
        break;
      }
    }
    // An out-of-range spoken value is passed on as said: the safety policy refuses it with a reason.
    if (!value.ok()) {
      if (vr != ValueRule::kSpoken) continue;
      value = VssValue(c.number->value);
    }
    u.actions.push_back({path, std::move(*value), device});
  }
  return true;
}

}  // namespace

Lang detect_lang(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0xE3) return Lang::kZh;  // CJK ideographs start at U+3000 (lead byte 0xE3+)
  return Lang::kEn;
}

std::string_view to_string(Lang lang) { return lang == Lang::kZh ? "zh" : "en"; }

std::string seat_instance(std::string_view seat) {
  std::string s = lower(seat);
  if (s.empty() || s == "driver" || s == "row1.driverside") return "Row1.DriverSide";
  if (s == "passenger" || s == "row1.passengerside") return "Row1.PassengerSide";
  if (s == "rear_left" || s == "rear-left" || s == "row2.driverside") return "Row2.DriverSide";
  if (s == "rear_right" || s == "rear-right" || s == "row2.passengerside") return "Row2.PassengerSide";
  if (s == "rear_middle" || s == "row2.middle") return "Row2.Middle";
  return {};
}

std::string_view device_name(Device device, Lang lang) {
  static constexpr std::array<Texts, 21> kNames{{
      {"", ""}, {"温度", "temperature"}, {"风量", "fan"}, {"空调", "air conditioning"}, {"内循环", "recirculation"},
      {"前挡除雾", "front defroster"}, {"后挡除雾", "rear defroster"}, {"车窗", "window"},
      {"座椅加热", "seat heating"}, {"座椅通风", "seat ventilation"}, {"座椅按摩", "seat massage"},
      {"座椅靠背", "backrest"}, {"顶灯", "dome light"}, {"阅读灯", "reading light"}, {"氛围灯", "ambient light"},
      {"媒体播放", "media"}, {"音量", "volume"}, {"车门", "door"}, {"后备箱", "trunk"}, {"雨刷", "wipers"},
      {"天窗", "sunroof"}}};
  Texts t = kNames[static_cast<size_t>(device)];
  return lang == Lang::kZh ? t.zh : t.en;
}

Understanding FastPath::understand(std::string_view raw, std::string_view seat, Lang lang,
                                   const CurrentValue& current) const {
  Understanding u;
  std::string text = lower(raw);
  std::string speaker = seat_instance(seat);
  if (speaker.empty()) speaker = "Row1.DriverSide";

  std::vector<Clause> clauses;
  for (std::string_view part : split_clauses(text)) {
    Clause c = parse_clause(part);
    if (c.devices.empty() && c.actions.empty() && c.zones.empty() && !c.number && c.color.empty()) continue;
    if (c.degrees) {
      std::erase(c.devices, Device::kAirConditioning);  // "空调开到23度" sets the temperature
      if (c.devices.empty()) c.devices.push_back(Device::kTemperature);
    }
    if (!c.color.empty() && c.devices.empty()) c.devices.push_back(Device::kAmbientLight);
    clauses.push_back(c);
  }
  // A clause missing its device or its action borrows it from its neighbour: "open the driver
  // and passenger windows", "关闭车窗，打开内循环".
  for (size_t i = 0; i < clauses.size(); ++i) {
    Clause& c = clauses[i];
    if (c.devices.empty()) {
      if (i > 0 && !clauses[i - 1].devices.empty()) c.devices = {clauses[i - 1].devices.back()};
      else if (i + 1 < clauses.size() && !clauses[i + 1].devices.empty()) c.devices = {clauses[i + 1].devices.front()};
    }
    if (c.actions.empty() && !c.number) {
      if (i > 0 && !clauses[i - 1].actions.empty()) c.actions = clauses[i - 1].actions;
      else if (i + 1 < clauses.size()) c.actions = clauses[i + 1].actions;
    }
  }
  bool any_device = std::any_of(clauses.begin(), clauses.end(), [](const Clause& c) { return !c.devices.empty(); });
  if (!any_device) return u;  // kUnknown → the model

  for (const Clause& c : clauses)
    for (Device device : c.devices)
      if (!compile_clause(tree_, c, device, speaker, lang, current, u))
        return u.kind == Understanding::Kind::kClarify ? u : Understanding{};
  u.kind = u.actions.empty() ? Understanding::Kind::kUnknown : Understanding::Kind::kActions;
  return u;
}

}  // namespace onboard::cockpit
