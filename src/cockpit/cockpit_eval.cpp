#include "cockpit/cockpit_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include "cockpit/vss_number.h"

namespace onboard::cockpit {
namespace {

using Snapshot = std::map<std::string, VssValue>;

Snapshot actuator_snapshot(Vehicle& v) {
  Snapshot s;
  for (const VssSignal& sig : v.tree().signals())
    if (sig.type == VssNodeType::kActuator)
      if (Expected<VssValue> x = v.get(sig.path); x.ok()) s.emplace(sig.path, std::move(*x));
  return s;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

bool flag(const nlohmann::json& j, const char* key) { return j.contains(key) && j[key].is_boolean() && j[key].get<bool>(); }

EvalOutcome judge_item(const EvalItem& item, const EvalHooks& hooks) {
  EvalOutcome o;
  o.id = item.id;
  o.category = item.category;
  o.expect_model = flag(item.expect, "model");
  std::unique_ptr<Vehicle> vehicle = hooks.make_vehicle();
  for (auto& [path, jv] : item.state.items()) {
    const VssSignal* s = vehicle->tree().find(path);
    Expected<VssValue> v = s ? value_from_json(*s, jv) : Expected<VssValue>(make_error(ErrorCode::kNotFound, path));
    Status st = v.ok() ? vehicle->publish(path, *v) : Status(v.error());
    if (!st.ok()) { o.detail = "initial state " + path + ": " + st.error().message; return o; }
  }
  if (hooks.settle) hooks.settle(*vehicle);
  Snapshot before = actuator_snapshot(*vehicle);

  AgentOptions options;
  options.watch = std::chrono::milliseconds(0);  // the eval settles the simulated clock itself
  CockpitAgent agent(*vehicle, options, hooks.make_model ? hooks.make_model() : nullptr);
  TurnResult r = agent.turn({item.text, item.seat, "", "eval"});
  if (hooks.settle) hooks.settle(*vehicle);
  Snapshot after = actuator_snapshot(*vehicle);
  o.route = r.route;
  o.understand_ms = r.understand_ms;
  o.policy_ms = r.policy_ms;
  o.actuate_ms = r.actuate_ms;

  const nlohmann::json expected = item.expect.contains("state") ? item.expect["state"] : nlohmann::json::object();
  std::vector<std::string> problems;
  for (const auto& [path, value] : after) {
    auto b = before.find(path);
    bool changed = b == before.end() || !same_value(b->second, value);
    if (changed && !expected.contains(path)) {
      o.false_actuation = true;
      problems.push_back("touched " + path + " = " + value_to_string(value));
    }
  }
  for (auto& [path, jv] : expected.items()) {
    const VssSignal* s = vehicle->tree().find(path);
    Expected<VssValue> want = s ? value_from_json(*s, jv) : Expected<VssValue>(make_error(ErrorCode::kNotFound, path));
    auto got = after.find(path);
    if (!want.ok()) problems.push_back("expected value for " + path + ": " + want.error().message);
    else if (got == after.end() || !same_value(got->second, *want))
      problems.push_back(path + " is " + (got == after.end() ? "unavailable" : value_to_string(got->second)) +
                         ", expected " + value_to_string(*want));
  }
  auto has_verdict = [&](Verdict v) {
    return std::any_of(r.trace.begin(), r.trace.end(), [&](const PolicyDecision& d) { return d.verdict == v; });
  };
  if (flag(item.expect, "refusal") && !r.refusal && !o.expect_model) problems.push_back("no refusal");
  if (!flag(item.expect, "refusal") && r.refusal) problems.push_back("refused: " + *r.refusal);
  if (flag(item.expect, "clarification") && !r.clarification) problems.push_back("no clarifying question");
  if (flag(item.expect, "confirmation") && !has_verdict(Verdict::kConfirm)) problems.push_back("no confirmation asked");
  if (flag(item.expect, "limited") && !has_verdict(Verdict::kLimit)) problems.push_back("not limited");
  if (r.route != item.route) problems.push_back("route " + r.route + ", expected " + item.route);
  if (r.refusal && r.refusal->empty()) problems.push_back("refusal without a reason");
  o.pass = problems.empty();
  for (const std::string& p : problems) o.detail += (o.detail.empty() ? "" : "; ") + p;
  return o;
}

}  // namespace

Expected<std::vector<EvalItem>> load_eval_set(const std::string& file) {
  std::ifstream in(file);
  if (!in) return make_error(ErrorCode::kIo, "cannot open eval set " + file);
  std::vector<EvalItem> items;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    std::string where = file + ":" + std::to_string(n);
    if (j.is_discarded() || !j.is_object()) return make_error(ErrorCode::kCorrupt, where + ": not a JSON object");
    EvalItem it;
    for (auto [key, dst] : {std::pair<const char*, std::string*>{"id", &it.id}, {"category", &it.category},
                            {"text", &it.text}, {"route", &it.route}}) {
      if (!j.contains(key) || !j[key].is_string()) return make_error(ErrorCode::kCorrupt, where + ": missing string field \"" + key + "\"");
      *dst = j[key].get<std::string>();
    }
    it.lang = j.value("lang", "");
    it.seat = j.value("seat", "Row1.DriverSide");
    it.state = j.value("state", nlohmann::json::object());
    if (!j.contains("expect") || !j["expect"].is_object()) return make_error(ErrorCode::kCorrupt, where + ": missing object \"expect\"");
    it.expect = j["expect"];
    if (!it.state.is_object()) return make_error(ErrorCode::kCorrupt, where + ": \"state\" must be an object");
    items.push_back(std::move(it));
  }
  if (items.empty()) return make_error(ErrorCode::kCorrupt, file + ": no items");
  return items;
}

EvalReport run_cockpit_eval(const std::vector<EvalItem>& items, const EvalHooks& hooks) {
  EvalReport report;
  for (const EvalItem& item : items) report.outcomes.push_back(judge_item(item, hooks));

  nlohmann::json& s = report.summary;
  std::map<std::string, std::pair<int, int>> per_category;
  int fast_n = 0, fast_pass = 0, model_n = 0, model_routed = 0, model_false = 0, unsafe_false = 0;
  int refusal_n = 0, refusal_ok = 0, clarify_n = 0, clarify_ok = 0;
  std::vector<double> und, pol, act, und_pol;
  for (size_t i = 0; i < items.size(); ++i) {
    const EvalItem& it = items[i];
    const EvalOutcome& o = report.outcomes[i];
    auto& c = per_category[it.category];
    ++c.first;
    c.second += o.pass;
    bool refusal = flag(it.expect, "refusal"), question = flag(it.expect, "clarification") || flag(it.expect, "confirmation");
    if (o.expect_model) {
      ++model_n;
      model_routed += o.route == "model";
      model_false += o.false_actuation;
      continue;
    }
    ++fast_n;
    fast_pass += o.pass;
    if (it.category == "unsafe" || refusal) unsafe_false += o.false_actuation;
    if (refusal) { ++refusal_n; refusal_ok += o.pass; }
    if (question) { ++clarify_n; clarify_ok += o.pass; }
    und.push_back(o.understand_ms);
    pol.push_back(o.policy_ms);
    act.push_back(o.actuate_ms);
    und_pol.push_back(o.understand_ms + o.policy_ms);
  }
  for (auto& [cat, c] : per_category) s["categories"][cat] = {{"items", c.first}, {"passed", c.second}};
  s["fast"] = {{"items", fast_n}, {"passed", fast_pass}, {"accuracy", fast_n ? double(fast_pass) / fast_n : 0.0}};
  s["refusal"] = {{"items", refusal_n}, {"correct", refusal_ok}};
  s["clarification"] = {{"items", clarify_n}, {"correct", clarify_ok}};
  s["false_actuations_unsafe"] = unsafe_false;
  s["model"] = {{"items", model_n}, {"routed_to_model", model_routed}, {"false_actuations", model_false}};
  auto lat = [&](const std::vector<double>& v) { return nlohmann::json{{"p50", percentile(v, 0.5)}, {"p99", percentile(v, 0.99)}}; };
  s["latency_ms"] = {{"understand", lat(und)}, {"policy", lat(pol)}, {"actuate", lat(act)}, {"understand+policy", lat(und_pol)}};
  return report;
}

std::string format_eval_report(const EvalReport& report) {
  const nlohmann::json& s = report.summary;
  std::string out;
  char line[256];
  out += "category      items  passed  accuracy\n";
  for (auto& [cat, c] : s["categories"].items()) {
    int n = c["items"], p = c["passed"];
    std::snprintf(line, sizeof line, "%-12s %6d %7d %8.1f%%\n", cat.c_str(), n, p, n ? 100.0 * p / n : 0.0);
    out += line;
  }
  std::snprintf(line, sizeof line, "fast path: %d/%d state accuracy %.1f%%\n", s["fast"]["passed"].get<int>(),
                s["fast"]["items"].get<int>(), 100.0 * s["fast"]["accuracy"].get<double>());
  out += line;
  std::snprintf(line, sizeof line, "refusals correct: %d/%d   clarifications/confirmations correct: %d/%d\n",
                s["refusal"]["correct"].get<int>(), s["refusal"]["items"].get<int>(),
                s["clarification"]["correct"].get<int>(), s["clarification"]["items"].get<int>());
  out += line;
  std::snprintf(line, sizeof line, "false actuations on unsafe items: %d\n", s["false_actuations_unsafe"].get<int>());
  out += line;
  std::snprintf(line, sizeof line, "model-route items (reported separately): %d, routed to the model %d, false actuations %d\n",
                s["model"]["items"].get<int>(), s["model"]["routed_to_model"].get<int>(), s["model"]["false_actuations"].get<int>());
  out += line;
  for (const char* stage : {"understand", "policy", "actuate", "understand+policy"}) {
    std::snprintf(line, sizeof line, "latency %-18s p50 %.3f ms  p99 %.3f ms\n", stage,
                  s["latency_ms"][stage]["p50"].get<double>(), s["latency_ms"][stage]["p99"].get<double>());
    out += line;
  }
  for (const EvalOutcome& o : report.outcomes)
    if (!o.pass && !o.expect_model) out += "FAIL " + o.id + ": " + o.detail + "\n";
  return out;
}

}  // namespace onboard::cockpit
