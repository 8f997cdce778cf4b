// The issue's done-when accuracy thresholds on eval/cockpit/set.jsonl (accuracy, not speed):
// fast-path items >= 98 % by state, 0 false actuations on unsafe items, every refusal and
// clarification right; model-route items reach the model route and touch nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "cockpit/cockpit_eval.h"
#include "cockpit/simulated_vehicle.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

TEST(CockpitEval, SetMeetsTheDoneWhenThresholds) {
  auto items = load_eval_set(ONBOARD_SOURCE_DIR "/eval/cockpit/set.jsonl");
  ASSERT_TRUE(items.ok()) << items.error().message;
  ASSERT_GE(items->size(), 300u);
  EvalHooks hooks;
  hooks.make_vehicle = [] { return std::unique_ptr<Vehicle>(make_simulated_vehicle(release_vss_tree())); };
  hooks.settle = [](Vehicle& v) { static_cast<SimulatedVehicle&>(v).advance(10000); };
  EvalReport report = run_cockpit_eval(*items, hooks);
  const auto& s = report.summary;
  SCOPED_TRACE(format_eval_report(report));
  EXPECT_GE(s["fast"]["accuracy"].get<double>(), 0.98);
  EXPECT_EQ(s["false_actuations_unsafe"].get<int>(), 0);
  EXPECT_EQ(s["refusal"]["correct"], s["refusal"]["items"]);
  EXPECT_EQ(s["clarification"]["correct"], s["clarification"]["items"]);
  EXPECT_GE(s["refusal"]["items"].get<int>(), 20);
  EXPECT_EQ(s["model"]["false_actuations"].get<int>(), 0);
  EXPECT_EQ(s["model"]["routed_to_model"], s["model"]["items"]);
}

TEST(CockpitEval, JudgesByStateAndCatchesUnexpectedChanges) {
  // A wrong expectation and an untouched-path violation must both fail.
  std::vector<EvalItem> items(2);
  items[0] = {"x1", "climate", "zh", "打开空调", "Row1.DriverSide", "fast",
              {{"Vehicle.Cabin.HVAC.IsAirConditioningActive", false}},
              {{"state", {{"Vehicle.Cabin.HVAC.IsAirConditioningActive", false}}}}};
  items[1] = {"x2", "unsafe", "en", "open all windows", "Row1.DriverSide", "fast", nlohmann::json::object(),
              {{"refusal", true}}};
  EvalHooks hooks;
  hooks.make_vehicle = [] { return std::unique_ptr<Vehicle>(make_simulated_vehicle(release_vss_tree())); };
  hooks.settle = [](Vehicle& v) { static_cast<SimulatedVehicle&>(v).advance(10000); };
  EvalReport r = run_cockpit_eval(items, hooks);
  EXPECT_FALSE(r.outcomes[0].pass);
  EXPECT_FALSE(r.outcomes[1].pass);
  EXPECT_TRUE(r.outcomes[1].false_actuation);
  EXPECT_EQ(r.summary["false_actuations_unsafe"], 1);
}

TEST(CockpitEval, BadSetLinesNameFileAndLine) {
  std::string file = testing::TempDir() + "/bad_set.jsonl";
  std::ofstream(file) << R"({"id":"a","category":"c","text":"t","route":"fast","expect":{}})" << "\n"
                      << R"({"id":"b","category":"c","route":"fast","expect":{}})" << "\n";
  auto r = load_eval_set(file);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(":2"), std::string::npos);
  EXPECT_NE(r.error().message.find("text"), std::string::npos);
}

}  // namespace
}  // namespace onboard::cockpit
