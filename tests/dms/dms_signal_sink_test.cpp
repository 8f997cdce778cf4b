// The VSS outputs: the four Vehicle.Driver signals reach a sink under their VSS 6.0 paths.
#include "dms/dms_signal_sink.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "dms/dms_json.h"

namespace onboard::dms {
namespace {

struct Recorder final : DmsSignalSink {
  std::map<std::string, float> floats;
  std::map<std::string, bool> bools;
  void publish(std::string_view p, float v) override { floats[std::string(p)] = v; }
  void publish(std::string_view p, bool v) override { bools[std::string(p)] = v; }
};

TEST(DmsSignalSink, PublishesTheFourDriverSignals) {
  DmsSignals s;
  s.fatigue_level = 12.5f;
  s.distraction_level = 40;
  s.attentive_probability = 52.5f;
  s.is_eyes_on_road = true;
  Recorder r;
  publish_signals(s, r);
  EXPECT_EQ(r.floats.size(), 3u);
  EXPECT_FLOAT_EQ(r.floats.at("Vehicle.Driver.FatigueLevel"), 12.5f);
  EXPECT_FLOAT_EQ(r.floats.at("Vehicle.Driver.DistractionLevel"), 40);
  EXPECT_FLOAT_EQ(r.floats.at("Vehicle.Driver.AttentiveProbability"), 52.5f);
  EXPECT_EQ(r.bools.size(), 1u);
  EXPECT_TRUE(r.bools.at("Vehicle.Driver.IsEyesOnRoad"));

  JsonSignalSink j;
  publish_signals(s, j);
  EXPECT_EQ(j.json().at("Vehicle.Driver.IsEyesOnRoad"), true);
  EXPECT_EQ(event_json({1.5, DmsEventKind::kSleep, 3, "eyes closed"}).dump(),
            R"({"detail":"eyes closed","kind":"sleep","level":3,"t_s":1.5})");
}

}  // namespace
}  // namespace onboard::dms
