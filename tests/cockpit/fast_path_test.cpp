// The fast path: spoken numbers, phrase → VSS path binding from the tree's metadata, relative
// changes from current values, zones defaulting to the speaker, clarifications and model routing.
#include <gtest/gtest.h>

#include "cockpit/fast_path.h"
#include "cockpit/spoken_number.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

double number_in(std::string_view text, size_t pos = 0) {
  auto n = spoken_number_at(text, pos);
  EXPECT_TRUE(n.has_value()) << text;
  return n ? n->value : -1;
}

TEST(SpokenNumber, ChineseEnglishAndDigits) {
  EXPECT_DOUBLE_EQ(number_in("二十二度"), 22);
  EXPECT_DOUBLE_EQ(number_in("二十二点五"), 22.5);
  EXPECT_DOUBLE_EQ(number_in("两度"), 2);
  EXPECT_DOUBLE_EQ(number_in("十八"), 18);
  EXPECT_DOUBLE_EQ(number_in("一百"), 100);
  EXPECT_DOUBLE_EQ(number_in("twenty-two"), 22);
  EXPECT_DOUBLE_EQ(number_in("twenty six degrees"), 26);
  EXPECT_DOUBLE_EQ(number_in("twenty point five"), 20.5);
  EXPECT_DOUBLE_EQ(number_in("21.5"), 21.5);
  auto pct = spoken_number_at("百分之三十", 0);
  ASSERT_TRUE(pct);
  EXPECT_DOUBLE_EQ(pct->value, 30);
  EXPECT_TRUE(pct->percent);
  EXPECT_TRUE(spoken_number_at("50 percent", 0)->percent);
}

TEST(SpokenNumber, ABitIsNotANumber) {
  EXPECT_FALSE(spoken_number_at("一点", 0));    // 调高一点 = a little higher
  EXPECT_FALSE(spoken_number_at("一下", 0));
  EXPECT_FALSE(spoken_number_at("one", 1));      // not inside a word
  EXPECT_FALSE(spoken_number_at("someone", 4));
}

class FastPathTest : public ::testing::Test {
 protected:
  const VssTree& tree = release_vss_tree();
  FastPath fast{tree};
  std::map<std::string, VssValue> current;
  Understanding run(std::string_view text, std::string_view seat = "Row1.DriverSide") {
    return fast.understand(text, seat, detect_lang(text), [this](std::string_view p) -> Expected<VssValue> {
      auto it = current.find(std::string(p));
      if (it == current.end()) return make_error(ErrorCode::kNotFound, std::string(p));
      return it->second;
    });
  }
  static std::map<std::string, VssValue> by_path(const Understanding& u) {
    std::map<std::string, VssValue> m;
    for (const PlannedAction& a : u.actions) m[a.path] = a.value;
    return m;
  }
};

TEST_F(FastPathTest, TemperaturePerZoneAsAFloat) {
  Understanding u = run("把副驾温度调到二十二点五度");
  ASSERT_EQ(u.kind, Understanding::Kind::kActions);
  ASSERT_EQ(u.actions.size(), 1u);
  EXPECT_EQ(u.actions[0].path, "Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature");
  EXPECT_EQ(u.actions[0].value, VssValue(22.5));  // float signal → double alternative
}

TEST_F(FastPathTest, WindowValuesComeFromTheVssRange) {
  const VssSignal* s = tree.find("Vehicle.Cabin.Door.Row2.DriverSide.Window.Position");
  ASSERT_TRUE(s && s->max && s->min);
  auto open = by_path(run("open the rear windows"));
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open["Vehicle.Cabin.Door.Row2.DriverSide.Window.Position"], VssValue(static_cast<uint64_t>(*s->max)));
  auto half = by_path(run("把左后车窗打开一半"));
  ASSERT_EQ(half.size(), 1u);
  EXPECT_EQ(half["Vehicle.Cabin.Door.Row2.DriverSide.Window.Position"],
            VssValue(static_cast<uint64_t>((*s->min + *s->max) / 2)));
}

TEST_F(FastPathTest, RelativeChangesReadTheCurrentValueAndClampToTheRange) {
  current["Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"] = 21.0;
  auto up = by_path(run("温度调高两度"));
  EXPECT_EQ(up["Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"], VssValue(23.0));
  current["Vehicle.Cabin.Infotainment.Media.Volume"] = static_cast<uint64_t>(95);
  auto vol = by_path(run("louder"));
  EXPECT_EQ(vol["Vehicle.Cabin.Infotainment.Media.Volume"], VssValue(static_cast<uint64_t>(100)));  // VSS max
  // No current value → a question instead of a guess.
  current.clear();
  EXPECT_EQ(run("make it warmer").kind, Understanding::Kind::kClarify);
}

TEST_F(FastPathTest, ZoneDefaultsToTheSpeakersSeat) {
  auto m = by_path(run("open my window", "Row2.PassengerSide"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m.count("Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position"));
  auto h = by_path(run("打开座椅加热", "Row1.PassengerSide"));
  EXPECT_TRUE(h.count("Vehicle.Cabin.Seat.Row1.PassengerSide.HeatingCooling"));
  auto locks = by_path(run("锁车", "Row2.DriverSide"));  // locking means the whole car
  EXPECT_EQ(locks.size(), 4u);
}

TEST_F(FastPathTest, MultiActionInOneUtterance) {
  auto m = by_path(run("打开空调然后调到二十二度"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m["Vehicle.Cabin.HVAC.IsAirConditioningActive"], VssValue(true));
  EXPECT_EQ(m["Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"], VssValue(22.0));
  auto two = by_path(run("打开顶灯和阅读灯"));
  EXPECT_EQ(two.size(), 2u);
}

TEST_F(FastPathTest, MissingParameterAsksInTheUsersLanguage) {
  Understanding zh = run("温度设置成");
  ASSERT_EQ(zh.kind, Understanding::Kind::kClarify);
  EXPECT_NE(zh.clarification.find("多少"), std::string::npos);
  Understanding en = run("set the temperature");
  ASSERT_EQ(en.kind, Understanding::Kind::kClarify);
  EXPECT_NE(en.clarification.find("temperature"), std::string::npos);
  EXPECT_TRUE(en.actions.empty());
}

TEST_F(FastPathTest, AnythingElseGoesToTheModel) {
  EXPECT_EQ(run("我有点冷").kind, Understanding::Kind::kUnknown);
  EXPECT_EQ(run("tell me a joke").kind, Understanding::Kind::kUnknown);
  EXPECT_EQ(run("关闭车道保持").kind, Understanding::Kind::kUnknown);
}

}  // namespace
}  // namespace onboard::cockpit
