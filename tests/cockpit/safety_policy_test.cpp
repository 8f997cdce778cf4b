// Each safety rule in both vehicle states (parked / moving), the verdict's reason in the user's
// language, and the rate limit on an injected clock.
#include <gtest/gtest.h>

#include "cockpit/safety_policy.h"
#include "cockpit/simulated_vehicle.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

class SafetyPolicyTest : public ::testing::Test {
 protected:
  std::unique_ptr<SimulatedVehicle> car = make_simulated_vehicle(release_vss_tree());
  std::chrono::steady_clock::time_point now{};
  SafetyPolicy policy{[this] { return now; }};

  void drive(double speed, int64_t gear = 127) {  // VSS SelectedGear: 126 = Park, 127 = Drive
    ASSERT_TRUE(car->publish("Vehicle.Speed", speed).ok());
    ASSERT_TRUE(car->publish("Vehicle.Powertrain.Transmission.SelectedGear", gear).ok());
  }
  void park() { drive(0, 126); }
  PolicyDecision check(std::string_view path, VssValue v, std::string_view seat = "Row1.DriverSide",
                       Lang lang = Lang::kEn, bool confirmed = false) {
    return policy.check(*car, path, v, seat, lang, confirmed);
  }
};

TEST_F(SafetyPolicyTest, DrivingDomainsAreNeverSpeechControlledParkedOrMoving) {
  for (bool moving : {false, true}) {
    moving ? drive(50) : park();
    for (std::string_view p : {"Vehicle.ADAS.CruiseControl.IsActive", "Vehicle.Powertrain.Transmission.SelectedGear",
                               "Vehicle.Body.Lights.Beam.High.IsOn", "Vehicle.Chassis.ParkingBrake.IsEngaged"}) {
      PolicyDecision d = check(p, true);
      EXPECT_EQ(d.verdict, Verdict::kRefuse) << p;
      EXPECT_FALSE(d.reason.empty()) << p;
    }
  }
  PolicyDecision zh = check("Vehicle.ADAS.CruiseControl.IsActive", true, "Row1.DriverSide", Lang::kZh);
  EXPECT_EQ(zh.rule, "no_speech_adas");
  EXPECT_NE(zh.reason.find("语音"), std::string::npos);
}

TEST_F(SafetyPolicyTest, DoorsOpenOnlyWhenParked) {
  park();
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen", true).verdict, Verdict::kAllow);
  drive(30);
  PolicyDecision d = check("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen", true);
  EXPECT_EQ(d.verdict, Verdict::kRefuse);
  EXPECT_EQ(d.rule, "door_closed_while_moving");
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen", false).verdict, Verdict::kAllow);  // closing is fine
  drive(0, 127);  // standing in Drive counts as moving
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row2.PassengerSide.IsOpen", true).verdict, Verdict::kRefuse);
}

TEST_F(SafetyPolicyTest, TrunkRefusedWhileMovingAndConfirmedWhenParked) {
  drive(10);
  EXPECT_EQ(check("Vehicle.Body.Trunk.Rear.IsOpen", true, "Row1.DriverSide", Lang::kEn, true).verdict, Verdict::kRefuse);
  park();
  PolicyDecision ask = check("Vehicle.Body.Trunk.Rear.IsOpen", true, "Row1.DriverSide", Lang::kZh);
  EXPECT_EQ(ask.verdict, Verdict::kConfirm);
  EXPECT_NE(ask.reason.find("后备箱"), std::string::npos);
  EXPECT_EQ(check("Vehicle.Body.Trunk.Rear.IsOpen", true, "Row1.DriverSide", Lang::kEn, true).verdict, Verdict::kAllow);
}

TEST_F(SafetyPolicyTest, WindowsLimitedAboveEightyKmh) {
  drive(60);
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row1.DriverSide.Window.Position", uint64_t{100}).verdict, Verdict::kAllow);
  drive(100);
  PolicyDecision d = check("Vehicle.Cabin.Door.Row1.DriverSide.Window.Position", uint64_t{100});
  EXPECT_EQ(d.verdict, Verdict::kLimit);
  EXPECT_EQ(d.value, VssValue(uint64_t{30}));
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row1.DriverSide.Window.Position", uint64_t{20}).verdict, Verdict::kAllow);
  EXPECT_EQ(check("Vehicle.Cabin.Sunroof.Switch", std::string("OPEN")).verdict, Verdict::kRefuse);
  drive(50);
  EXPECT_EQ(check("Vehicle.Cabin.Sunroof.Switch", std::string("OPEN")).verdict, Verdict::kAllow);
}

TEST_F(SafetyPolicyTest, DriverBackrestOnlyWhenParked) {
  park();
  EXPECT_EQ(check("Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.Recline", 60.0).verdict, Verdict::kAllow);
  drive(40);
  EXPECT_EQ(check("Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.Recline", 60.0).rule, "driver_recline_parked_only");
  EXPECT_EQ(check("Vehicle.Cabin.Seat.Row1.PassengerSide.Backrest.Recline", 60.0).verdict, Verdict::kAllow);
}

TEST_F(SafetyPolicyTest, ChildLocksHoldForRearSpeakersOnly) {
  park();
  const std::string rear_window = "Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position";
  EXPECT_EQ(check(rear_window, uint64_t{100}, "Row2.PassengerSide").verdict, Verdict::kAllow);
  ASSERT_TRUE(car->publish("Vehicle.Cabin.IsWindowChildLockEngaged", true).ok());
  EXPECT_EQ(check(rear_window, uint64_t{100}, "Row2.PassengerSide").rule, "rear_window_child_lock");
  EXPECT_EQ(check(rear_window, uint64_t{100}, "Row1.DriverSide").verdict, Verdict::kAllow);

  const std::string rear_door = "Vehicle.Cabin.Door.Row2.DriverSide.IsOpen";
  EXPECT_EQ(check(rear_door, true, "Row2.DriverSide").verdict, Verdict::kAllow);
  ASSERT_TRUE(car->publish("Vehicle.Cabin.Door.Row2.DriverSide.IsChildLockActive", true).ok());
  EXPECT_EQ(check(rear_door, true, "Row2.DriverSide").rule, "rear_door_child_lock");
  EXPECT_EQ(check("Vehicle.Cabin.Door.Row2.PassengerSide.IsOpen", true, "Row2.DriverSide").verdict, Verdict::kAllow);
}

TEST_F(SafetyPolicyTest, VssTypesRangesAndActuatorsComeFirst) {
  park();
  PolicyDecision range = check("Vehicle.Cabin.Infotainment.Media.Volume", uint64_t{150});
  EXPECT_EQ(range.rule, "vss_type_range");
  EXPECT_NE(range.reason.find("Volume"), std::string::npos);  // names the signal
  EXPECT_EQ(check("Vehicle.Cabin.HVAC.IsAirConditioningActive", std::string("yes")).rule, "vss_type_range");
  EXPECT_EQ(check("Vehicle.Cabin.Infotainment.Media.Action", std::string("PAUSE")).rule, "vss_type_range");  // not allowed
  EXPECT_EQ(check("Vehicle.Speed", 0.0).rule, "vss_not_actuator");
  EXPECT_EQ(check("Vehicle.Cabin.Teleporter.IsOn", true).rule, "vss_unknown_path");
  EXPECT_EQ(check("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", 40.0).rule, "cabin_temperature_range");
  EXPECT_EQ(check("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature", 22.0).verdict, Verdict::kAllow);
}

TEST_F(SafetyPolicyTest, RateLimitPerPath) {
  park();
  const std::string p = "Vehicle.Cabin.Light.IsDomeOn";
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(check(p, i % 2 == 0).verdict, Verdict::kAllow) << i;
    policy.record(p);
    now += std::chrono::milliseconds(500);
  }
  EXPECT_EQ(check(p, true).rule, "rate_limit");
  EXPECT_EQ(check("Vehicle.Cabin.HVAC.IsAirConditioningActive", true).verdict, Verdict::kAllow);  // other paths unaffected
  now += std::chrono::seconds(10);
  EXPECT_EQ(check(p, true).verdict, Verdict::kAllow);
}

}  // namespace
}  // namespace onboard::cockpit
