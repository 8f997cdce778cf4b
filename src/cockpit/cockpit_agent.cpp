#include "cockpit/cockpit_agent.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

#include "cockpit/vss_number.h"

namespace onboard::cockpit {
namespace {

using Ms = std::chrono::duration<double, std::milli>;
using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point t0) { return Ms(SteadyClock::now() - t0).count(); }

bool is_yes(std::string_view t) {
  for (std::string_view w : {"确认", "确定", "是的", "好的", "可以", "打开吧", "yes", "confirm", "ok", "sure", "do it"})
    if (t.find(w) != std::string_view::npos) return true;
  return false;
}

// Values a model sent for a path the tree does not know: kept as JSON-typed, so the policy can
// still refuse them by name.
VssValue loose_value(const nlohmann::json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return std::monostate{};
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

std::string tool_name(std::string_view path) {
  std::string s(path.substr(path.rfind("Vehicle.", 0) == 0 ? 8 : 0));
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

std::string tool_path(std::string_view name) {
  std::string s = "Vehicle." + std::string(name);
  std::replace(s.begin(), s.end(), '_', '.');
  return s;
}

nlohmann::json cockpit_tools(const VssTree& tree, const std::vector<std::string>& scopes) {
  nlohmann::json tools = nlohmann::json::array();
  for (const VssSignal& s : tree.signals()) {
    if (s.type != VssNodeType::kActuator || s.is_array) continue;
    bool in_scope = std::any_of(scopes.begin(), scopes.end(), [&](const std::string& p) {
      return s.path.rfind(p, 0) == 0 && (s.path.size() == p.size() || s.path[p.size()] == '.');
    });
    if (!in_scope) continue;
    nlohmann::json value;
    switch (s.datatype) {
      case VssDatatype::kBoolean: value["type"] = "boolean"; break;
      case VssDatatype::kString: value["type"] = "string"; break;
      case VssDatatype::kFloat: case VssDatatype::kDouble: value["type"] = "number"; break;
      default: value["type"] = "integer"; break;
    }
    if (s.min) value["minimum"] = *s.min;
    if (s.max) value["maximum"] = *s.max;
    if (!s.allowed.empty()) value["enum"] = s.allowed;
    std::string description = s.description + (s.unit.empty() ? "" : " [" + s.unit + "]");
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", tool_name(s.path)},
                       {"description", description},
                       {"parameters", {{"type", "object"}, {"properties", {{"value", value}}}, {"required", {"value"}}}}}}});
  }
  return tools;
}

nlohmann::json to_json(const TurnResult& r) {
  nlohmann::json j{{"reply", r.reply}, {"route", r.route}, {"actions", nlohmann::json::array()},
                   {"trace", nlohmann::json::array()}};
  for (const ActionOutcome& a : r.actions)
    j["actions"].push_back({{"path", a.path}, {"value", value_to_json(a.value)}, {"status", a.status}});
  for (const PolicyDecision& d : r.trace) {
    nlohmann::json t{{"path", d.path}, {"requested", value_to_json(d.requested)}, {"verdict", to_string(d.verdict)}};
    if (d.verdict == Verdict::kLimit) t["value"] = value_to_json(d.value);
    if (!d.rule.empty()) t["rule"] = d.rule;
    if (!d.reason.empty()) t["reason"] = d.reason;
    j["trace"].push_back(std::move(t));
  }
  if (r.clarification) j["clarification"] = *r.clarification;
  if (r.refusal) j["refusal"] = *r.refusal;
  j["latency_ms"] = {{"understand", r.understand_ms}, {"policy", r.policy_ms}, {"actuate", r.actuate_ms}};
  return j;
}

CockpitAgent::CockpitAgent(Vehicle& vehicle, AgentOptions options, std::unique_ptr<ModelRoute> model)
    : vehicle_(vehicle), options_(std::move(options)), model_(std::move(model)), fast_path_(vehicle.tree()) {}

void CockpitAgent::apply(const std::vector<PlannedAction>& actions, const std::string& seat, Lang lang, bool confirmed,
                         TurnResult& result, std::vector<PlannedAction>& needs_confirmation) {
  std::vector<std::pair<std::string, VssValue>> allowed;
  auto t0 = SteadyClock::now();
  for (const PlannedAction& a : actions) {
    PolicyDecision d = policy_.check(vehicle_, a.path, a.value, seat, lang, confirmed);
    result.trace.push_back(d);
    if (d.verdict == Verdict::kAllow || d.verdict == Verdict::kLimit) {
      allowed.emplace_back(a.path, d.value);
      result.actions.push_back({a.path, d.value, d.verdict == Verdict::kLimit ? "limited" : "requested"});
    } else if (d.verdict == Verdict::kConfirm) {
      needs_confirmation.push_back(a);
      result.actions.push_back({a.path, a.value, "needs_confirmation"});
    } else {
      result.actions.push_back({a.path, a.value, "refused"});
    }
  }
  result.policy_ms += ms_since(t0);
  t0 = SteadyClock::now();
  for (auto& [path, value] : allowed) {
    Status st = vehicle_.actuate(path, value);
    policy_.record(path);
    if (!st.ok()) {
      for (ActionOutcome& o : result.actions)
        if (o.path == path) o.status = "failed";
    }
  }
  result.actuate_ms += ms_since(t0);
}

void CockpitAgent::watch(TurnResult& result) {
  if (options_.watch.count() <= 0) return;
  auto deadline = SteadyClock::now() + options_.watch;
  for (;;) {
    bool all_there = true;
    for (ActionOutcome& o : result.actions) {
      if (o.status != "requested" && o.status != "limited" && o.status != "moving") continue;
      Expected<VssValue> now = vehicle_.get(o.path);
      if (now.ok() && same_value(*now, o.value)) {
        o.status = "done";
      } else {
        o.status = "moving";
        all_there = false;
      }
    }
    if (all_there || SteadyClock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (ActionOutcome& o : result.actions)
    if (o.status == "moving") {
      // Not there by the deadline: still moving toward the target, or stopped (blocked).
      Expected<VssValue> a = vehicle_.get(o.path);
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      Expected<VssValue> b = vehicle_.get(o.path);
      if (a.ok() && b.ok() && same_value(*a, *b)) o.status = "failed";
    }
}

nlohmann::json CockpitAgent::relevant_state() {
  nlohmann::json state = nlohmann::json::object();
  for (std::string_view p : {"Vehicle.Speed", "Vehicle.Powertrain.Transmission.SelectedGear",
                             "Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", "Vehicle.Cabin.HVAC.IsAirConditioningActive",
                             "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position", "Vehicle.Cabin.Infotainment.Media.Volume"}) {
    if (Expected<VssValue> v = vehicle_.get(p); v.ok()) state[std::string(p)] = value_to_json(*v);
  }
  return state;
}

TurnResult CockpitAgent::turn(const TurnRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  TurnResult result;
  Lang lang = request.lang == "zh" ? Lang::kZh : request.lang == "en" ? Lang::kEn : detect_lang(request.text);
  std::string seat = request.seat.empty() ? "Row1.DriverSide" : request.seat;
  const bool zh = lang == Lang::kZh;
  std::vector<PlannedAction> needs_confirmation;

  // A pending confirmation: a yes applies it, anything else drops it.
  if (auto it = pending_.find(request.session); it != pending_.end()) {
    Pending p = std::move(it->second);
    pending_.erase(it);
    if (is_yes(request.text)) {
      result.route = "fast";
      apply(p.actions, p.seat, lang, true, result, needs_confirmation);
      watch(result);
      result.reply = zh ? "好的，已执行。" : "Done.";
      return result;
    }
  }

  auto t0 = SteadyClock::now();
  Understanding u = fast_path_.understand(request.text, seat, lang,
                                          [this](std::string_view p) { return vehicle_.get(p); });
  result.understand_ms = ms_since(t0);
  std::vector<PlannedAction> planned;
  if (u.kind == Understanding::Kind::kClarify) {
    result.route = "fast";
    result.clarification = u.clarification;
    result.reply = u.clarification;
    return result;
  }
  if (u.kind == Understanding::Kind::kActions) {
    result.route = "fast";
    planned = std::move(u.actions);
  } else {
    result.route = "model";
    if (!model_) {
      result.reply = zh ? "这个请求需要语言模型，当前没有加载模型。" : "That needs the language model, and none is loaded.";
      return result;
    }
    t0 = SteadyClock::now();
    Expected<ModelAnswer> answer = model_->decide(request, cockpit_tools(vehicle_.tree(), options_.model_scopes), relevant_state());
    result.understand_ms = ms_since(t0);
    if (!answer.ok()) {
      result.reply = zh ? "抱歉，模型出错了：" + answer.error().message : "Sorry, the model failed: " + answer.error().message;
      return result;
    }
    if (answer->calls.empty()) {
      result.reply = answer->text;
      if (answer->is_question) result.clarification = answer->text;
      return result;
    }
    for (const ToolCall& call : answer->calls) {
      std::string path = tool_path(call.name);
      nlohmann::json arg = call.arguments.is_object() && call.arguments.contains("value") ? call.arguments["value"] : call.arguments;
      const VssSignal* s = vehicle_.tree().find(path);
      Expected<VssValue> v = s ? value_from_json(*s, arg) : Expected<VssValue>(loose_value(arg));
      planned.push_back({path, v.ok() ? *v : loose_value(arg), Device::kNone});
    }
  }

  apply(planned, seat, lang, false, result, needs_confirmation);
  watch(result);

  // The reply, in the user's language: what was done, what is still moving, what was refused and why.
  std::vector<std::string> done, moving, failed, reasons;
  for (size_t i = 0; i < result.actions.size(); ++i) {
    const ActionOutcome& o = result.actions[i];
    std::string name(i < planned.size() && planned[i].device != Device::kNone ? device_name(planned[i].device, lang)
                                                                              : std::string_view(o.path));
    if (o.status == "done" || o.status == "requested" || o.status == "limited") add_unique(done, name);
    else if (o.status == "moving") add_unique(moving, name);
    else if (o.status == "failed") add_unique(failed, name);
  }
  for (const PolicyDecision& d : result.trace)
    if (d.verdict != Verdict::kAllow) add_unique(reasons, d.reason);
  std::vector<std::string> parts;
  if (!done.empty()) parts.push_back(zh ? "好的，已调整" + join(done, "、") + "。" : "Done: " + join(done, ", ") + ".");
  if (!moving.empty()) parts.push_back(zh ? join(moving, "、") + "正在调整中。" : join(moving, ", ") + " still moving.");
  if (!failed.empty()) parts.push_back(zh ? join(failed, "、") + "没有调整到位。" : join(failed, ", ") + " did not reach the setting.");
  std::vector<std::string> refusals;
  for (const PolicyDecision& d : result.trace)
    if (d.verdict == Verdict::kRefuse) add_unique(refusals, d.reason);
  if (!refusals.empty()) result.refusal = join(refusals, " ");
  parts.insert(parts.end(), reasons.begin(), reasons.end());
  if (!needs_confirmation.empty()) {
    pending_[request.session] = Pending{needs_confirmation, seat};
    for (const PolicyDecision& d : result.trace)
      if (d.verdict == Verdict::kConfirm) result.clarification = d.reason;
  }
  result.reply = join(parts, zh ? "" : " ");
  return result;
}

}  // namespace onboard::cockpit
