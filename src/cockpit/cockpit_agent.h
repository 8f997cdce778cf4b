// The cockpit agent: one spoken/typed request → understood (fast path, else the language model),
// checked by the safety policy, actuated on the vehicle, watched, and answered in the user's
// language. Model tool calls go through exactly the same policy as fast-path actions.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cockpit/fast_path.h"
#include "cockpit/safety_policy.h"
#include "cockpit/vehicle.h"

namespace onboard::cockpit {

struct TurnRequest {
  std::string text;
  std::string seat;     // speaker's seat; default driver
  std::string lang;     // "zh" / "en"; empty = detect from the text
  std::string session;  // pending confirmations live per session
};

struct ToolCall {
  std::string name;  // a tool from cockpit_tools(): the VSS path without "Vehicle.", '.' → '_'
  nlohmann::json arguments;  // {"value": …}
};

// The model route: given the request, the tools and the relevant state, the model answers with
// tool calls or with text (a reply or a clarifying question).
struct ModelAnswer {
  std::vector<ToolCall> calls;
  std::string text;
  bool is_question = false;
};
class ModelRoute {
 public:
  virtual ~ModelRoute() = default;
  virtual Expected<ModelAnswer> decide(const TurnRequest& request, const nlohmann::json& tools,
                                       const nlohmann::json& state) = 0;
};

// OpenAI-style tools for every actuator under the scopes, typed and ranged from the VSS metadata.
nlohmann::json cockpit_tools(const VssTree& tree, const std::vector<std::string>& scopes);
std::string tool_name(std::string_view path);   // "Vehicle.Cabin.Light.IsDomeOn" → "Cabin_Light_IsDomeOn"
std::string tool_path(std::string_view name);   // the inverse

struct ActionOutcome {
  std::string path;
  VssValue value;
  std::string status;  // done | moving | requested | limited | refused | needs_confirmation | failed
};

struct TurnResult {
  std::string reply;
  std::vector<ActionOutcome> actions;
  std::string route;  // "fast" | "model"
  std::optional<std::string> clarification;
  std::optional<std::string> refusal;
  std::vector<PolicyDecision> trace;
  double understand_ms = 0, policy_ms = 0, actuate_ms = 0;
};
nlohmann::json to_json(const TurnResult& r);

struct AgentOptions {
  std::chrono::milliseconds watch{1500};  // how long to watch actual values after actuation; 0 = don't
  std::vector<std::string> model_scopes{"Vehicle.Cabin", "Vehicle.Body"};
};

class CockpitAgent {
 public:
  CockpitAgent(Vehicle& vehicle, AgentOptions options = {}, std::unique_ptr<ModelRoute> model = nullptr);
  TurnResult turn(const TurnRequest& request);
  SafetyPolicy& policy() { return policy_; }

 private:
  struct Pending { std::vector<PlannedAction> actions; std::string seat; };
  void apply(const std::vector<PlannedAction>& actions, const std::string& seat, Lang lang, bool confirmed,
             TurnResult& result, std::vector<PlannedAction>& needs_confirmation);
  void watch(TurnResult& result);
  nlohmann::json relevant_state();

  Vehicle& vehicle_;
  AgentOptions options_;
  std::unique_ptr<ModelRoute> model_;
  FastPath fast_path_;
  SafetyPolicy policy_;
  std::mutex mutex_;  // one turn at a time: the policy's rate limits and the sessions are shared
  std::map<std::string, Pending> pending_;
};

}  // namespace onboard::cockpit
