#include "vehicle_behaviour.h"

#include <thread>

#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

const std::string kWindow = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position";
const std::string kLock = "Vehicle.Cabin.Door.Row1.DriverSide.IsLocked";

#define SKIP_WITHOUT_SIMULATION() \
  if (!sim()) GTEST_SKIP() << "needs the simulation's clock (a real databroker has its own)"

TEST_P(VehicleBehaviour, StartsParkedWithTheDriverAboard) {
  SKIP_WITHOUT_SIMULATION();
  auto expect = [&](const std::string& path, const VssValue& v) {
    auto got = vehicle().get(path);
    ASSERT_TRUE(got.ok()) << path << ": " << got.error().message;
    EXPECT_EQ(*got, v) << path << " = " << value_to_string(*got);
  };
  expect("Vehicle.Speed", VssValue{0.0});
  expect("Vehicle.Powertrain.Transmission.SelectedGear", VssValue{int64_t{126}});  // P
  expect("Vehicle.Powertrain.Transmission.CurrentGear", VssValue{int64_t{126}});
  expect(kWindow, VssValue{uint64_t{0}});
  expect("Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position", VssValue{uint64_t{0}});
  expect(kLock, VssValue{true});
  expect("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen", VssValue{false});
  expect("Vehicle.Body.Trunk.Rear.IsOpen", VssValue{false});
  expect("Vehicle.Cabin.Seat.Row1.DriverSide.OccupancyStatus", VssValue{std::string("OCCUPIED")});
  expect("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus", VssValue{std::string("EMPTY")});
  expect("Vehicle.Cabin.Seat.Row2.Middle.OccupancyStatus", VssValue{std::string("EMPTY")});
  expect("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", VssValue{21.0});
  expect("Vehicle.Cabin.HVAC.Station.Row1.Driver.AirDistribution", VssValue{std::string("UP")});
}

TEST_P(VehicleBehaviour, ErrorsFollowKuksasContract) {
  auto code = [&](const std::string& path, const VssValue& v) {
    auto s = vehicle().actuate(path, v);
    return s.ok() ? ErrorCode{} : s.error().code;
  };
  EXPECT_EQ(code("Vehicle.Cabin.NoSuchThing", VssValue{true}), ErrorCode::kNotFound);
  EXPECT_EQ(code("Vehicle.Cabin.Door.Row1.DriverSide", VssValue{true}), ErrorCode::kNotFound);  // a branch
  EXPECT_EQ(code("Vehicle.Speed", VssValue{10.0}), ErrorCode::kInvalidArgument);                // a sensor
  EXPECT_EQ(code("Vehicle.VehicleIdentification.VIN", VssValue{std::string("X")}), ErrorCode::kInvalidArgument);  // attribute
  EXPECT_EQ(code(kWindow, VssValue{std::string("half")}), ErrorCode::kInvalidArgument);        // wrong type
  EXPECT_EQ(code(kWindow, VssValue{uint64_t{120}}), ErrorCode::kInvalidArgument);              // above max
  EXPECT_EQ(code(kWindow, VssValue{int64_t{-1}}), ErrorCode::kInvalidArgument);                // below min
  EXPECT_EQ(code(kLock, VssValue{uint64_t{1}}), ErrorCode::kInvalidArgument);                  // not a boolean
  EXPECT_EQ(code("Vehicle.Cabin.HVAC.Station.Row1.Driver.AirDistribution", VssValue{std::string("SIDEWAYS")}),
            ErrorCode::kInvalidArgument);  // not allowed
  EXPECT_EQ(code("Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed", VssValue{uint64_t{256}}), ErrorCode::kInvalidArgument);
  auto message = vehicle().actuate(kWindow, VssValue{uint64_t{120}});
  ASSERT_FALSE(message.ok());
  EXPECT_NE(message.error().message.find(kWindow), std::string::npos) << message.error().message;
  EXPECT_EQ(vehicle().get("Vehicle.Cabin.NoSuchThing").ok(), false);
  EXPECT_EQ(vehicle().get("Vehicle.Cabin.NoSuchThing").error().code, ErrorCode::kNotFound);
}

TEST_P(VehicleBehaviour, NoProviderIsUnavailable) {
  SKIP_WITHOUT_SIMULATION();
  ASSERT_TRUE(sim()->set_provider_available("Vehicle.Cabin.Door", false).ok());
  auto s = vehicle().actuate(kWindow, VssValue{uint64_t{50}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().message;
  // Other actuators still have theirs.
  EXPECT_TRUE(vehicle().actuate("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", VssValue{22.0}).ok());
}

TEST_P(VehicleBehaviour, WindowMovesTenPercentPer100ms) {
  SKIP_WITHOUT_SIMULATION();
  ASSERT_TRUE(vehicle().actuate(kWindow, VssValue{uint64_t{50}}).ok());
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{0}});  // nothing moved yet
  sim()->advance(100);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{10}});
  sim()->advance(200);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{30}});
  EXPECT_EQ(*sim()->get_target(kWindow), VssValue{uint64_t{50}});
  sim()->advance(250);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{50}});
  EXPECT_EQ(*sim()->get_target(kWindow), VssValue{});  // reached: nothing pending
  // And back down.
  ASSERT_TRUE(vehicle().actuate(kWindow, VssValue{uint64_t{0}}).ok());
  sim()->advance(100);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{40}});
}

TEST_P(VehicleBehaviour, SeatAndBackrestMoveAtAFiniteRate) {
  SKIP_WITHOUT_SIMULATION();
  const std::string seat = "Vehicle.Cabin.Seat.Row1.DriverSide.Position";
  const std::string recline = "Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.Recline";
  ASSERT_TRUE(vehicle().actuate_batch({{seat, VssValue{uint64_t{100}}}, {recline, VssValue{30.0}}}).ok());
  sim()->advance(1000);
  auto seat_now = std::get<uint64_t>(*vehicle().get(seat));
  auto recline_now = std::get<double>(*vehicle().get(recline));
  EXPECT_GT(seat_now, 0u);
  EXPECT_LT(seat_now, 100u);
  EXPECT_GT(recline_now, 0.0);
  EXPECT_LT(recline_now, 30.0);
  sim()->advance(10000);
  EXPECT_EQ(*vehicle().get(seat), VssValue{uint64_t{100}});
  EXPECT_EQ(*vehicle().get(recline), VssValue{30.0});
}

TEST_P(VehicleBehaviour, BlockedActuatorStaysShortOfItsTarget) {
  SKIP_WITHOUT_SIMULATION();
  ASSERT_TRUE(vehicle().actuate(kWindow, VssValue{uint64_t{100}}).ok());
  sim()->advance(200);
  ASSERT_TRUE(sim()->block(kWindow).ok());
  sim()->advance(2000);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{20}});
  EXPECT_EQ(*sim()->get_target(kWindow), VssValue{uint64_t{100}});
  ASSERT_TRUE(sim()->unblock(kWindow).ok());
  sim()->advance(800);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{100}});

  const std::string seat = "Vehicle.Cabin.Seat.Row1.DriverSide.Position";
  ASSERT_TRUE(sim()->block(seat).ok());
  ASSERT_TRUE(vehicle().actuate(seat, VssValue{uint64_t{200}}).ok());
  sim()->advance(60000);
  EXPECT_EQ(*vehicle().get(seat), VssValue{uint64_t{0}});
}

TEST_P(VehicleBehaviour, SwitchesSettleAfterAShortDelay) {
  SKIP_WITHOUT_SIMULATION();
  ASSERT_TRUE(vehicle().actuate(kLock, VssValue{false}).ok());
  EXPECT_EQ(*vehicle().get(kLock), VssValue{true});
  sim()->advance(100);
  EXPECT_EQ(*vehicle().get(kLock), VssValue{false});
  // A temperature given as an integer is stored as the float the signal holds.
  ASSERT_TRUE(vehicle().actuate("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", VssValue{int64_t{22}}).ok());
  sim()->advance(100);
  EXPECT_EQ(*vehicle().get("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"), VssValue{22.0});
}

TEST_P(VehicleBehaviour, BatchIsAllOrNothing) {
  SKIP_WITHOUT_SIMULATION();
  auto s = vehicle().actuate_batch({{kWindow, VssValue{uint64_t{30}}},
                                    {kLock, VssValue{false}},
                                    {"Vehicle.Speed", VssValue{5.0}}});  // a sensor: the batch fails
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  sim()->advance(1000);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{0}});
  EXPECT_EQ(*vehicle().get(kLock), VssValue{true});
  ASSERT_TRUE(vehicle().actuate_batch({{kWindow, VssValue{uint64_t{30}}}, {kLock, VssValue{false}}}).ok());
  sim()->advance(1000);
  EXPECT_EQ(*vehicle().get(kWindow), VssValue{uint64_t{30}});
  EXPECT_EQ(*vehicle().get(kLock), VssValue{false});
}

TEST_P(VehicleBehaviour, PublishSetsSensorsWithChecks) {
  ASSERT_TRUE(vehicle().publish("Vehicle.Speed", VssValue{80.0}).ok());
  EXPECT_EQ(*vehicle().get("Vehicle.Speed"), VssValue{80.0});
  ASSERT_TRUE(vehicle().publish("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus", VssValue{std::string("OCCUPIED")}).ok());
  EXPECT_EQ(*vehicle().get("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus"), VssValue{std::string("OCCUPIED")});
  auto bad = vehicle().publish("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus", VssValue{std::string("MAYBE")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto wrong = vehicle().publish("Vehicle.Speed", VssValue{std::string("fast")});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  auto unknown = vehicle().publish("Vehicle.Warp", VssValue{1.0});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(VehicleBehaviour, SubscribeSendsCurrentThenChanges) {
  Recorder rec;
  auto id = vehicle().subscribe({"Vehicle.Speed", kWindow}, rec.callback());
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto initial_speed = vehicle().get("Vehicle.Speed");
  ASSERT_TRUE(initial_speed.ok());
  EXPECT_TRUE(rec.wait_for("Vehicle.Speed", *initial_speed));
  ASSERT_TRUE(vehicle().publish("Vehicle.Speed", VssValue{42.0}).ok());
  EXPECT_TRUE(rec.wait_for("Vehicle.Speed", VssValue{42.0}));
  if (sim()) {
    EXPECT_TRUE(rec.wait_for(kWindow, VssValue{uint64_t{0}}));
    ASSERT_TRUE(vehicle().actuate(kWindow, VssValue{uint64_t{30}}).ok());
    sim()->advance(300);
    EXPECT_TRUE(rec.wait_for(kWindow, VssValue{uint64_t{30}}));
    std::vector<uint64_t> window;
    for (const auto& [p, v] : rec.seen())
      if (p == kWindow) window.push_back(std::get<uint64_t>(v));
    EXPECT_TRUE(std::is_sorted(window.begin(), window.end())) << "the window's values arrived out of order";
    EXPECT_EQ(window.front(), 0u);  // the current value came first
  }
  vehicle().unsubscribe(*id);
  ASSERT_TRUE(vehicle().publish("Vehicle.Speed", VssValue{43.0}).ok());
  EXPECT_FALSE(rec.wait_for("Vehicle.Speed", VssValue{43.0}, std::chrono::milliseconds(300)));
  EXPECT_FALSE(vehicle().subscribe({"Vehicle.Nowhere"}, rec.callback()).ok());
}

}  // namespace


class SimulationHarness : public VehicleHarness {
 public:
  explicit SimulationHarness(SimulationOptions options) : sim_(make_simulated_vehicle(release_vss_tree(), options)) {}
  Vehicle& vehicle() override { return *sim_; }
  SimulatedVehicle* simulation() override { return sim_.get(); }

 private:
  std::unique_ptr<SimulatedVehicle> sim_;
};

std::unique_ptr<VehicleHarness> make_simulation_harness(SimulationOptions options) {
  return std::make_unique<SimulationHarness>(options);
}

INSTANTIATE_TEST_SUITE_P(InProcess, VehicleBehaviour,
                         testing::Values(HarnessFactory{"simulation", [] { return make_simulation_harness({}); }}),
                         harness_name);

// The real-time ticker moves actuators without anyone advancing the clock.
TEST(SimulatedVehicle, RealTimeTickerMovesTheWindow) {
  SimulationOptions options;
  options.realtime = true;
  auto sim = make_simulated_vehicle(release_vss_tree(), options);
  Recorder rec;
  ASSERT_TRUE(sim->subscribe({kWindow}, rec.callback()).ok());
  ASSERT_TRUE(sim->actuate(kWindow, VssValue{uint64_t{20}}).ok());
  EXPECT_TRUE(rec.wait_for(kWindow, VssValue{uint64_t{20}}, std::chrono::seconds(10)));
}

}  // namespace onboard::cockpit
