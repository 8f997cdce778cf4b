// The agent end to end on the simulated vehicle: a model forced to emit forbidden calls is
// refused by the same policy and the vehicle stays unchanged; confirmations across turns; the
// watched outcome (done / failed) in the user's language; tools generated from VSS.
#include <gtest/gtest.h>

#include "cockpit/cockpit_agent.h"
#include "cockpit/simulated_vehicle.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

// Stands in for a model whose output was forced (e.g. by a tool_choice grammar) to these calls.
class ForcedModel : public ModelRoute {
 public:
  explicit ForcedModel(std::vector<ToolCall> calls) : calls_(std::move(calls)) {}
  Expected<ModelAnswer> decide(const TurnRequest&, const nlohmann::json& tools, const nlohmann::json& state) override {
    seen_tools = tools;
    seen_state = state;
    return ModelAnswer{calls_, "", false};
  }
  nlohmann::json seen_tools, seen_state;

 private:
  std::vector<ToolCall> calls_;
};

std::map<std::string, std::string> actuator_values(Vehicle& v) {
  std::map<std::string, std::string> m;
  for (const VssSignal& s : v.tree().signals())
    if (s.type == VssNodeType::kActuator)
      if (auto x = v.get(s.path); x.ok()) m[s.path] = value_to_string(*x);
  return m;
}

TEST(CockpitAgent, ForcedForbiddenModelCallsAreRefusedAndNothingMoves) {
  auto car = make_simulated_vehicle(release_vss_tree());
  ASSERT_TRUE(car->publish("Vehicle.Speed", 90.0).ok());
  ASSERT_TRUE(car->publish("Vehicle.Powertrain.Transmission.SelectedGear", int64_t{127}).ok());
  auto before = actuator_values(*car);
  auto model = std::make_unique<ForcedModel>(std::vector<ToolCall>{
      {"ADAS_CruiseControl_IsActive", {{"value", true}}},
      {"Cabin_Door_Row1_DriverSide_IsOpen", {{"value", true}}},
      {"Body_Trunk_Rear_IsOpen", {{"value", true}}},
      {"Body_Lights_Beam_High_IsOn", {{"value", true}}},
      {"Powertrain_Transmission_SelectedGear", {{"value", 0}}}});
  ForcedModel* seen = model.get();
  CockpitAgent agent(*car, AgentOptions{std::chrono::milliseconds(0), {"Vehicle.Cabin", "Vehicle.Body.Trunk"}}, std::move(model));
  TurnResult r = agent.turn({"do something clever", "Row1.DriverSide", "en", "s"});
  EXPECT_EQ(r.route, "model");
  ASSERT_EQ(r.actions.size(), 5u);
  for (const ActionOutcome& a : r.actions) EXPECT_EQ(a.status, "refused") << a.path;
  ASSERT_TRUE(r.refusal.has_value());
  EXPECT_NE(r.refusal->find("moving"), std::string::npos);
  car->advance(10000);
  EXPECT_EQ(actuator_values(*car), before);
  // The tools the model was offered: typed and ranged from VSS, nothing outside the scopes.
  bool window = false;
  for (const auto& t : seen->seen_tools) {
    std::string name = t["function"]["name"];
    EXPECT_EQ(tool_name(tool_path(name)), name);
    EXPECT_TRUE(tool_path(name).rfind("Vehicle.Cabin", 0) == 0 || tool_path(name).rfind("Vehicle.Body.Trunk", 0) == 0) << name;
    if (name == "Cabin_Door_Row1_DriverSide_Window_Position") {
      window = true;
      EXPECT_EQ(t["function"]["parameters"]["properties"]["value"]["maximum"], 100);
      EXPECT_EQ(t["function"]["parameters"]["properties"]["value"]["type"], "integer");
    }
  }
  EXPECT_TRUE(window);
  EXPECT_EQ(seen->seen_state["Vehicle.Speed"], 90.0);
}

TEST(CockpitAgent, TrunkOpensOnlyAfterTheUserConfirms) {
  auto car = make_simulated_vehicle(release_vss_tree());
  CockpitAgent agent(*car, AgentOptions{std::chrono::milliseconds(0), {}});
  TurnResult ask = agent.turn({"打开后备箱", "Row1.DriverSide", "", "s1"});
  ASSERT_TRUE(ask.clarification.has_value());
  EXPECT_NE(ask.reply.find("后备箱"), std::string::npos);
  car->advance(2000);
  EXPECT_EQ(car->get("Vehicle.Body.Trunk.Rear.IsOpen").value(), VssValue(false));
  // Another session's yes does not open it.
  agent.turn({"确认", "Row1.DriverSide", "", "other"});
  car->advance(2000);
  EXPECT_EQ(car->get("Vehicle.Body.Trunk.Rear.IsOpen").value(), VssValue(false));
  TurnResult yes = agent.turn({"确认", "Row1.DriverSide", "", "s1"});
  car->advance(2000);
  EXPECT_EQ(car->get("Vehicle.Body.Trunk.Rear.IsOpen").value(), VssValue(true));
}

TEST(CockpitAgent, ReportsDoneAndFailureFromTheActualValue) {
  SimulationOptions realtime;
  realtime.realtime = true;
  auto car = make_simulated_vehicle(release_vss_tree(), realtime);
  CockpitAgent agent(*car, AgentOptions{std::chrono::milliseconds(1500), {}});
  TurnResult ok = agent.turn({"open the passenger window", "Row1.DriverSide", "", "s"});
  ASSERT_EQ(ok.actions.size(), 1u);
  EXPECT_EQ(ok.actions[0].status, "done");
  EXPECT_EQ(car->get("Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position").value(), VssValue(uint64_t{100}));

  ASSERT_TRUE(car->block("Vehicle.Cabin.Door.Row1.DriverSide.Window.Position").ok());
  TurnResult blocked = agent.turn({"打开主驾车窗", "Row1.DriverSide", "", "s"});
  ASSERT_EQ(blocked.actions.size(), 1u);
  EXPECT_EQ(blocked.actions[0].status, "failed");
  EXPECT_NE(blocked.reply.find("没有调整到位"), std::string::npos);
  nlohmann::json j = to_json(blocked);
  EXPECT_EQ(j["route"], "fast");
  EXPECT_EQ(j["actions"][0]["path"], "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position");
  EXPECT_TRUE(j["latency_ms"].contains("understand") && j["latency_ms"].contains("policy") && j["latency_ms"].contains("actuate"));
}

TEST(CockpitAgent, WithoutAModelUnknownRequestsTouchNothing) {
  auto car = make_simulated_vehicle(release_vss_tree());
  auto before = actuator_values(*car);
  CockpitAgent agent(*car, AgentOptions{std::chrono::milliseconds(0), {}});
  TurnResult r = agent.turn({"I'm a bit cold", "", "", ""});
  EXPECT_EQ(r.route, "model");
  EXPECT_TRUE(r.actions.empty());
  EXPECT_FALSE(r.reply.empty());
  car->advance(1000);
  EXPECT_EQ(actuator_values(*car), before);
}

}  // namespace
}  // namespace onboard::cockpit
