// /v1/vehicle/* over real HTTP (a cpp-httplib server on a free port, its client), in front of
// the simulated vehicle whose clock the test drives.
#include "cockpit/vehicle_routes.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "cockpit/simulated_vehicle.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

const std::string kWindow = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position";

class VehicleRoutes : public testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::shared_ptr<SimulatedVehicle>(make_simulated_vehicle(release_vss_tree(), {}));
    vehicle_routes(sim_)(svr_);
    port_ = svr_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
  }
  void TearDown() override {
    svr_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }
  nlohmann::json get_json(const std::string& url, int expect_status = 200) {
    auto c = client();
    auto res = c.Get(url);
    EXPECT_TRUE(res) << url;
    if (!res) return {};
    EXPECT_EQ(res->status, expect_status) << url << ": " << res->body;
    return nlohmann::json::parse(res->body);
  }

  std::shared_ptr<SimulatedVehicle> sim_;
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(VehicleRoutes, GetReadsValuesWithMetadata) {
  auto j = get_json("/v1/vehicle/signals?paths=Vehicle.Speed," + kWindow);
  EXPECT_EQ(j["signals"]["Vehicle.Speed"]["value"], 0.0);
  EXPECT_EQ(j["signals"]["Vehicle.Speed"]["unit"], "km/h");
  EXPECT_EQ(j["signals"]["Vehicle.Speed"]["type"], "sensor");
  EXPECT_EQ(j["signals"][kWindow]["value"], 0);
  EXPECT_EQ(j["signals"][kWindow]["datatype"], "uint8");
  EXPECT_FALSE(j["signals"][kWindow].contains("target"));

  // While the window moves, target and actual differ.
  ASSERT_TRUE(sim_->actuate(kWindow, VssValue{uint64_t{50}}).ok());
  sim_->advance(200);
  j = get_json("/v1/vehicle/signals?paths=" + kWindow);
  EXPECT_EQ(j["signals"][kWindow]["value"], 20);
  EXPECT_EQ(j["signals"][kWindow]["target"], 50);

  // A branch stands for its leaves.
  j = get_json("/v1/vehicle/signals?paths=Vehicle.Cabin.Door.Row1.DriverSide.Window");
  EXPECT_TRUE(j["signals"].contains(kWindow));
  EXPECT_GT(j["signals"].size(), 2u);
}

TEST_F(VehicleRoutes, GetErrorsNameThePath) {
  auto j = get_json("/v1/vehicle/signals?paths=Vehicle.Speed,Vehicle.Warp", 404);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("Vehicle.Warp"), std::string::npos);
  get_json("/v1/vehicle/signals", 400);
}

TEST_F(VehicleRoutes, PutSetsSensorsAllOrNothing) {
  auto c = client();
  auto res = c.Put("/v1/vehicle/signals", R"({"signals":{"Vehicle.Speed":80,"Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus":"OCCUPIED"}})",
                   "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["signals"]["Vehicle.Speed"]["value"], 80.0);
  EXPECT_EQ(*sim_->get("Vehicle.Speed"), VssValue{80.0});
  EXPECT_EQ(*sim_->get("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus"), VssValue{std::string("OCCUPIED")});

  // One bad value: nothing changes.
  res = c.Put("/v1/vehicle/signals", R"({"signals":{"Vehicle.Speed":30,"Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus":"MAYBE"}})",
              "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("MAYBE"), std::string::npos) << res->body;
  EXPECT_EQ(*sim_->get("Vehicle.Speed"), VssValue{80.0});

  res = c.Put("/v1/vehicle/signals", R"({"signals":{"Vehicle.Speed":"fast"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = c.Put("/v1/vehicle/signals", R"({"signals":{"Vehicle.Nope":1}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = c.Put("/v1/vehicle/signals", "not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST_F(VehicleRoutes, StreamSendsCurrentThenChanges) {
  std::string received;
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    auto c = client();
    c.Get("/v1/vehicle/stream?paths=" + kWindow, [&](const char* data, size_t n) {
      std::lock_guard lock(mu);
      received.append(data, n);
      return !stop.load();
    });
  });
  auto wait_for = [&](const std::string& needle) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu);
        if (received.find(needle) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  const std::string prefix = "data: {\"path\":\"" + kWindow + "\",\"value\":";
  EXPECT_TRUE(wait_for(prefix + "0}"));
  ASSERT_TRUE(sim_->actuate(kWindow, VssValue{uint64_t{30}}).ok());
  sim_->advance(300);
  EXPECT_TRUE(wait_for(prefix + "30}"));
  {
    std::lock_guard lock(mu);
    EXPECT_LT(received.find(prefix + "10}"), received.find(prefix + "30}"));
  }
  stop = true;
  ASSERT_TRUE(sim_->publish(kWindow, VssValue{uint64_t{31}}).ok());  // wakes the reader so it can stop
  reader.join();
}

}  // namespace
}  // namespace onboard::cockpit
