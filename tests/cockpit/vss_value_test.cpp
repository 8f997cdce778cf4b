// Values are checked as KUKSA's databroker checks them: datatype, min/max, allowed.
#include "cockpit/vss_value.h"

#include <gtest/gtest.h>

namespace onboard::cockpit {
namespace {

VssSignal signal(VssDatatype t, std::optional<double> min = {}, std::optional<double> max = {}, std::vector<std::string> allowed = {}) {
  VssSignal s;
  s.path = "Vehicle.Test.Signal";
  s.type = VssNodeType::kActuator;
  s.datatype = t;
  s.min = min;
  s.max = max;
  s.allowed = std::move(allowed);
  return s;
}

TEST(VssValue, FromJsonConvertsPerDatatype) {
  auto f = signal(VssDatatype::kFloat);
  for (const auto& j : {nlohmann::json(22), nlohmann::json(22.0), nlohmann::json("22")}) {
    auto v = value_from_json(f, j);
    ASSERT_TRUE(v.ok()) << j.dump();
    EXPECT_EQ(std::get<double>(*v), 22.0) << j.dump();
  }
  auto u8 = signal(VssDatatype::kUint8);
  auto v = value_from_json(u8, "50");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<uint64_t>(*v), 50u);
  EXPECT_EQ(std::get<uint64_t>(*value_from_json(u8, 50.0)), 50u);
  EXPECT_EQ(std::get<int64_t>(*value_from_json(signal(VssDatatype::kInt8), -3)), -3);
  EXPECT_EQ(std::get<bool>(*value_from_json(signal(VssDatatype::kBoolean), "true")), true);
  EXPECT_EQ(std::get<std::string>(*value_from_json(signal(VssDatatype::kString), "OPEN")), "OPEN");
}

TEST(VssValue, FromJsonRejectsWrongTypesNamingThePath) {
  for (auto [t, j] : {std::pair{VssDatatype::kUint8, nlohmann::json("fifty")}, std::pair{VssDatatype::kUint8, nlohmann::json(-1)},
                      std::pair{VssDatatype::kUint8, nlohmann::json(256)}, std::pair{VssDatatype::kInt8, nlohmann::json(2.5)},
                      std::pair{VssDatatype::kBoolean, nlohmann::json(1)}, std::pair{VssDatatype::kString, nlohmann::json(3)},
                      std::pair{VssDatatype::kFloat, nlohmann::json(nullptr)}, std::pair{VssDatatype::kFloat, nlohmann::json(1e300)}}) {
    auto v = value_from_json(signal(t), j);
    ASSERT_FALSE(v.ok()) << to_string(t) << " " << j.dump();
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(v.error().message.find("Vehicle.Test.Signal"), std::string::npos) << v.error().message;
  }
}

TEST(VssValue, CheckNamesTheBound) {
  auto pct = signal(VssDatatype::kUint8, 0, 100);
  pct.unit = "percent";
  EXPECT_TRUE(check_value(pct, VssValue{uint64_t{100}}).ok());
  EXPECT_TRUE(check_value(pct, VssValue{int64_t{0}}).ok());  // another integer alternative is fine
  auto above = check_value(pct, VssValue{uint64_t{120}});
  ASSERT_FALSE(above.ok());
  EXPECT_EQ(above.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(above.error().message.find("120"), std::string::npos);
  EXPECT_NE(above.error().message.find("max 100"), std::string::npos) << above.error().message;

  auto heat = signal(VssDatatype::kInt8, -100, 100);
  auto below = check_value(heat, VssValue{int64_t{-101}});
  ASSERT_FALSE(below.ok());
  EXPECT_NE(below.error().message.find("min -100"), std::string::npos) << below.error().message;

  auto mode = signal(VssDatatype::kString, {}, {}, {"UP", "MIDDLE", "DOWN"});
  EXPECT_TRUE(check_value(mode, VssValue{std::string("UP")}).ok());
  auto not_allowed = check_value(mode, VssValue{std::string("SIDEWAYS")});
  ASSERT_FALSE(not_allowed.ok());
  EXPECT_NE(not_allowed.error().message.find("SIDEWAYS"), std::string::npos);
  EXPECT_NE(not_allowed.error().message.find("UP, MIDDLE, DOWN"), std::string::npos);

  EXPECT_FALSE(check_value(signal(VssDatatype::kBoolean), VssValue{std::string("true")}).ok());
  EXPECT_FALSE(check_value(signal(VssDatatype::kFloat), VssValue{}).ok());
}

TEST(VssValue, ArraysCheckEveryElement) {
  auto arr = signal(VssDatatype::kUint8, 0, 10);
  arr.is_array = true;
  auto v = value_from_json(arr, nlohmann::json::array({1, 2, 3}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<std::string>(*v), "[1,2,3]");
  EXPECT_TRUE(check_value(arr, *v).ok());
  EXPECT_FALSE(check_value(arr, VssValue{std::string("[1,20]")}).ok());
  EXPECT_FALSE(value_from_json(arr, 3).ok());
}

TEST(VssValue, ToStringAndJson) {
  EXPECT_EQ(value_to_string(VssValue{22.5}), "22.5");
  EXPECT_EQ(value_to_string(VssValue{true}), "true");
  EXPECT_EQ(value_to_string(VssValue{uint64_t{7}}), "7");
  EXPECT_EQ(value_to_string(VssValue{}), "n/a");
  EXPECT_EQ(value_to_json(VssValue{int64_t{-4}}), nlohmann::json(-4));
  EXPECT_TRUE(value_to_json(VssValue{}).is_null());
  EXPECT_EQ(value_to_json(VssValue{std::string("OPEN")}), nlohmann::json("OPEN"));
}

}  // namespace
}  // namespace onboard::cockpit
