// The cockpit evaluation (eval/cockpit/set.jsonl), judged by state as BFCL v3 does: after the turn
// the vehicle's actuators must hold the expected values and nothing else may have changed;
// refusals, clarifying questions and confirmations are judged by the turn's answer and an
// untouched vehicle.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cockpit/cockpit_agent.h"
#include "cockpit/vehicle.h"

namespace onboard::cockpit {

struct EvalItem {
  std::string id, category, lang, text, seat, route;
  nlohmann::json state;   // initial values, path → value (sensors and actuators)
  nlohmann::json expect;  // {"state": {…}}, {"refusal": true}, {"clarification": true}, {"confirmation": true},
                          // {"limited": true}, {"model": true}; combinable
};
// Errors name the file, line and field.
Expected<std::vector<EvalItem>> load_eval_set(const std::string& file);

struct EvalOutcome {
  std::string id, category, route;
  bool expect_model = false;
  bool pass = false;
  bool false_actuation = false;  // something changed that must not have (unsafe / refusal / question items)
  std::string detail;            // why it failed
  double understand_ms = 0, policy_ms = 0, actuate_ms = 0;
};

struct EvalHooks {
  std::function<std::unique_ptr<Vehicle>()> make_vehicle;  // a fresh vehicle per item
  std::function<void(Vehicle&)> settle;                    // let actuators reach their targets
  std::function<std::unique_ptr<ModelRoute>()> make_model; // empty: no model
};

struct EvalReport {
  std::vector<EvalOutcome> outcomes;
  nlohmann::json summary;  // per category, fast-path accuracy, refusal/clarification correctness, latency
};

EvalReport run_cockpit_eval(const std::vector<EvalItem>& items, const EvalHooks& hooks);
std::string format_eval_report(const EvalReport& report);

}  // namespace onboard::cockpit
