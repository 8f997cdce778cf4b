// The VSS 6.0 release loads completely, with the metadata the cockpit's checks rely on.
#include "cockpit/vss_tree.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

const VssTree& release_tree() { return release_vss_tree(); }
TEST(VssTree, ReleaseCountsMatchTheSpec) {
  const auto& tree = release_tree();
  size_t actuators = 0, sensors = 0, attributes = 0;
  for (const auto& s : tree.signals()) {
    actuators += s.type == VssNodeType::kActuator;
    sensors += s.type == VssNodeType::kSensor;
    attributes += s.type == VssNodeType::kAttribute;
  }
  EXPECT_EQ(tree.signals().size(), 1263u);
  EXPECT_EQ(actuators, 643u);
  EXPECT_EQ(sensors, 490u);
  EXPECT_EQ(attributes, 130u);
  EXPECT_EQ(tree.under("Vehicle.Cabin").size(), 518u);
  EXPECT_TRUE(std::is_sorted(tree.signals().begin(), tree.signals().end(),
                             [](const VssSignal& a, const VssSignal& b) { return a.path < b.path; }));
}

TEST(VssTree, InstancesAreExpanded) {
  const auto& tree = release_tree();
  for (const char* row : {"Row1", "Row2"})
    for (const char* side : {"DriverSide", "PassengerSide"})
      EXPECT_NE(tree.find(std::string("Vehicle.Cabin.Door.") + row + "." + side + ".Window.Position"), nullptr) << row << side;
  for (int row = 1; row <= 4; ++row)
    for (const char* side : {"Driver", "Passenger"})
      EXPECT_NE(tree.find("Vehicle.Cabin.HVAC.Station.Row" + std::to_string(row) + "." + side + ".Temperature"), nullptr);
  EXPECT_NE(tree.find("Vehicle.Cabin.Seat.Row2.Middle.OccupancyStatus"), nullptr);
  EXPECT_TRUE(tree.is_branch("Vehicle.Cabin.Door.Row1.DriverSide"));
  EXPECT_EQ(tree.find("Vehicle.Cabin.Door.Row1.DriverSide"), nullptr);  // a branch is no signal
  EXPECT_EQ(tree.find("Vehicle.Cabin.Door.Row3.DriverSide.IsOpen"), nullptr);
  EXPECT_FALSE(tree.is_branch("Vehicle.Speed"));
}

TEST(VssTree, CockpitRowsCarryTheirMetadata) {
  const auto& tree = release_tree();
  const VssSignal* temp = tree.find("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(temp->type, VssNodeType::kActuator);
  EXPECT_EQ(temp->datatype, VssDatatype::kFloat);
  EXPECT_EQ(temp->unit, "Celsius");

  const VssSignal* fan = tree.find("Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed");
  ASSERT_NE(fan, nullptr);
  EXPECT_EQ(fan->datatype, VssDatatype::kUint8);
  EXPECT_EQ(fan->unit, "percent");
  EXPECT_EQ(fan->min, 0.0);
  EXPECT_EQ(fan->max, 100.0);

  const VssSignal* air = tree.find("Vehicle.Cabin.HVAC.Station.Row1.Driver.AirDistribution");
  ASSERT_NE(air, nullptr);
  EXPECT_EQ(air->datatype, VssDatatype::kString);
  EXPECT_EQ(air->allowed, (std::vector<std::string>{"UP", "MIDDLE", "DOWN"}));

  const VssSignal* sw = tree.find("Vehicle.Cabin.Door.Row1.DriverSide.Window.Switch");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->allowed, (std::vector<std::string>{"INACTIVE", "CLOSE", "OPEN", "ONE_SHOT_CLOSE", "ONE_SHOT_OPEN"}));

  const VssSignal* sunroof = tree.find("Vehicle.Cabin.Sunroof.Position");
  ASSERT_NE(sunroof, nullptr);
  EXPECT_EQ(sunroof->type, VssNodeType::kSensor);
  EXPECT_EQ(sunroof->datatype, VssDatatype::kInt8);
  EXPECT_EQ(sunroof->min, -100.0);
  EXPECT_EQ(sunroof->max, 100.0);

  const VssSignal* seat = tree.find("Vehicle.Cabin.Seat.Row1.DriverSide.Position");
  ASSERT_NE(seat, nullptr);
  EXPECT_EQ(seat->datatype, VssDatatype::kUint16);
  EXPECT_EQ(seat->unit, "mm");
  EXPECT_EQ(seat->min, 0.0);
  EXPECT_FALSE(seat->max.has_value());

  const VssSignal* heat = tree.find("Vehicle.Cabin.Seat.Row1.DriverSide.HeatingCooling");
  ASSERT_NE(heat, nullptr);
  EXPECT_EQ(heat->datatype, VssDatatype::kInt8);
  EXPECT_EQ(heat->min, -100.0);

  const VssSignal* speed = tree.find("Vehicle.Speed");
  ASSERT_NE(speed, nullptr);
  EXPECT_EQ(speed->type, VssNodeType::kSensor);
  EXPECT_EQ(speed->unit, "km/h");

  const VssSignal* child = tree.find("Vehicle.Cabin.Door.Row2.PassengerSide.IsChildLockActive");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->type, VssNodeType::kSensor);
  EXPECT_EQ(child->datatype, VssDatatype::kBoolean);

  const VssSignal* lat = tree.find("Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Latitude");
  ASSERT_NE(lat, nullptr);
  EXPECT_EQ(lat->datatype, VssDatatype::kDouble);
  EXPECT_EQ(lat->min, -90.0);
  EXPECT_EQ(lat->max, 90.0);

  const VssSignal* light = tree.find("Vehicle.Cabin.Light.AmbientLight.Row1.DriverSide.Intensity");
  ASSERT_NE(light, nullptr);
  EXPECT_EQ(light->min, 1.0);
  EXPECT_EQ(light->max, 100.0);

  size_t arrays = 0;
  for (const auto& s : tree.signals()) arrays += s.is_array;
  EXPECT_EQ(arrays, 23u);  // 20 string[], 2 float[], 1 uint8[]
  EXPECT_EQ(to_string(VssDatatype::kUint16), "uint16");
  EXPECT_EQ(to_string(VssNodeType::kActuator), "actuator");
}

TEST(VssTree, UnderListsOnlyThatBranch) {
  const auto& tree = release_tree();
  auto row1 = tree.under("Vehicle.Cabin.Door.Row1.DriverSide.Window");
  ASSERT_FALSE(row1.empty());
  for (const auto* s : row1) EXPECT_TRUE(s->path.starts_with("Vehicle.Cabin.Door.Row1.DriverSide.Window.")) << s->path;
  // "Vehicle.Cabin.Door.Row1" must not take in a sibling that only shares the prefix text.
  for (const auto* s : tree.under("Vehicle.Cabin.Seat.Row1")) EXPECT_FALSE(s->path.starts_with("Vehicle.Cabin.Seat.Row1X"));
  EXPECT_TRUE(tree.under("Vehicle.Nothing").empty());
}

TEST(VssTree, MalformedInputNamesSourceAndNode) {
  auto bad_json = VssTree::parse_json("{\"Vehicle\": {", "broken.json");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.error().message.find("broken.json"), std::string::npos);

  auto no_datatype = VssTree::parse_json(
      R"({"Vehicle":{"type":"branch","description":"x","children":{
           "Cabin":{"type":"branch","description":"c","children":{
             "Lamp":{"type":"actuator","description":"a lamp"}}}}}})",
      "mini.json");
  ASSERT_FALSE(no_datatype.ok());
  EXPECT_EQ(no_datatype.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(no_datatype.error().message.find("mini.json"), std::string::npos) << no_datatype.error().message;
  EXPECT_NE(no_datatype.error().message.find("Vehicle.Cabin.Lamp"), std::string::npos) << no_datatype.error().message;
  EXPECT_NE(no_datatype.error().message.find("datatype"), std::string::npos) << no_datatype.error().message;

  auto bad_type = VssTree::parse_json(R"({"Vehicle":{"type":"branch","children":{"X":{"type":"gadget","datatype":"int8"}}}})", "t.json");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.error().message.find("Vehicle.X"), std::string::npos);
  EXPECT_NE(bad_type.error().message.find("gadget"), std::string::npos);

  auto bad_datatype = VssTree::parse_json(R"({"Vehicle":{"type":"branch","children":{"X":{"type":"sensor","datatype":"int7"}}}})", "t.json");
  ASSERT_FALSE(bad_datatype.ok());
  EXPECT_NE(bad_datatype.error().message.find("int7"), std::string::npos);

  auto bad_min = VssTree::parse_json(R"({"Vehicle":{"type":"branch","children":{"X":{"type":"sensor","datatype":"int8","min":"low"}}}})", "t.json");
  ASSERT_FALSE(bad_min.ok());
  EXPECT_NE(bad_min.error().message.find("min"), std::string::npos);

  auto missing = VssTree::load_json("/nonexistent/vss.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("/nonexistent/vss.json"), std::string::npos);
}

}  // namespace
}  // namespace onboard::cockpit
