// POST /v1/cockpit/turn over HTTP: the contract's response fields, and 400s that name the field.
#include <gtest/gtest.h>

#include <httplib.h>

#include <thread>

#include "cockpit/cockpit_routes.h"
#include "cockpit/simulated_vehicle.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

class TurnEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    install_cockpit_routes(server, agent);
    port = server.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server.stop();
    if (thread.joinable()) thread.join();
  }
  std::unique_ptr<SimulatedVehicle> car = make_simulated_vehicle(release_vss_tree());
  CockpitAgent agent{*car, AgentOptions{std::chrono::milliseconds(0), {}}};
  httplib::Server server;
  int port = 0;
  std::thread thread;
};

TEST_F(TurnEndpointTest, TurnAnswersWithActionsTraceAndLatencies) {
  httplib::Client client("127.0.0.1", port);
  auto res = client.Post("/v1/cockpit/turn", R"({"text":"把副驾温度调到二十四度","seat":"Row1.DriverSide"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["route"], "fast");
  ASSERT_EQ(j["actions"].size(), 1u);
  EXPECT_EQ(j["actions"][0]["path"], "Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature");
  EXPECT_EQ(j["actions"][0]["value"], 24.0);
  EXPECT_EQ(j["trace"][0]["verdict"], "allow");
  for (const char* stage : {"understand", "policy", "actuate"}) EXPECT_TRUE(j["latency_ms"][stage].is_number()) << stage;
  EXPECT_NE(j["reply"].get<std::string>().find("温度"), std::string::npos);
  car->advance(1000);
  EXPECT_EQ(car->get("Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature").value(), VssValue(24.0));

  auto refuse = client.Post("/v1/cockpit/turn", R"({"text":"turn the temperature to 40 degrees","lang":"en"})", "application/json");
  ASSERT_TRUE(refuse);
  auto r = nlohmann::json::parse(refuse->body);
  ASSERT_TRUE(r.contains("refusal"));
  EXPECT_NE(r["refusal"].get<std::string>().find("16"), std::string::npos);  // the reason states the range
}

TEST_F(TurnEndpointTest, BadRequestsNameTheField) {
  httplib::Client client("127.0.0.1", port);
  for (auto [body, field] : {std::pair<const char*, const char*>{R"({"seat":"driver"})", "text"},
                             {R"({"text":"hi","lang":"fr"})", "lang"},
                             {R"({"text":"hi","seat":"roof"})", "seat"},
                             {R"([1,2])", "body"}}) {
    auto res = client.Post("/v1/cockpit/turn", body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << body;
    EXPECT_NE(res->body.find(field), std::string::npos) << res->body;
  }
}

}  // namespace
}  // namespace onboard::cockpit
