// The cockpit's C ABI: a turn as JSON in and out, errors through onboard_last_error().
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onboard/onboard_cockpit.h"

namespace {

TEST(CockpitCApi, TurnActuatesAndAnswersJson) {
  onboard_cockpit* c = nullptr;
  ASSERT_EQ(onboard_cockpit_create_simulated(nullptr, &c), ONBOARD_OK) << onboard_last_error();
  char* out = nullptr;
  ASSERT_EQ(onboard_cockpit_turn(c, R"({"text":"turn on the air conditioning","session":"c"})", &out), ONBOARD_OK)
      << onboard_last_error();
  auto j = nlohmann::json::parse(out);
  onboard_cockpit_string_free(out);
  EXPECT_EQ(j["route"], "fast");
  ASSERT_EQ(j["actions"].size(), 1u);
  EXPECT_EQ(j["actions"][0]["path"], "Vehicle.Cabin.HVAC.IsAirConditioningActive");
  EXPECT_EQ(j["actions"][0]["status"], "done");  // watched until the simulated vehicle reported it
  onboard_cockpit_free(c);
}

TEST(CockpitCApi, ErrorsNameTheProblem) {
  onboard_cockpit* c = nullptr;
  EXPECT_EQ(onboard_cockpit_create_simulated("/nonexistent/vss.json", &c), ONBOARD_ERR_IO);
  EXPECT_EQ(c, nullptr);
  EXPECT_NE(std::string(onboard_last_error()).find("/nonexistent/vss.json"), std::string::npos);
  ASSERT_EQ(onboard_cockpit_create_simulated(nullptr, &c), ONBOARD_OK);
  char* out = nullptr;
  EXPECT_EQ(onboard_cockpit_turn(c, R"({"seat":"driver"})", &out), ONBOARD_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  EXPECT_NE(std::string(onboard_last_error()).find("text"), std::string::npos);
  EXPECT_EQ(onboard_cockpit_turn(nullptr, "{}", &out), ONBOARD_ERR_INVALID_ARGUMENT);
  onboard_cockpit_free(c);
}

}  // namespace
