// The DMS rules on scripted observation streams under a simulated clock: every warning fires no
// later than its deadline, and not when its condition is absent or the speed is below its band.
#include "dms/dms_state_machine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>

namespace onboard::dms {
namespace {

constexpr float kOpenEar = 0.30f, kShutEar = 0.08f;

DmsObservation frame(double t, float speed, bool face, float yaw, float ear, float mouth = 0.1f) {
  DmsObservation o;
  o.t_s = t;
  o.speed_kmh = speed;
  o.face_found = face;
  o.pose = {yaw, 0, 0};
  o.ear_left = o.ear_right = ear;
  o.mouth = mouth;
  return o;
}
DmsObservation road(double t, float speed) { return frame(t, speed, true, 0, kOpenEar); }
DmsObservation away(double t, float speed) { return frame(t, speed, true, 45, kOpenEar); }  // e.g. at the centre screen
DmsObservation shut(double t, float speed) { return frame(t, speed, true, 0, kShutEar); }
DmsObservation no_face(double t, float speed) { return frame(t, speed, false, 0, 0); }

struct Outcome {
  std::vector<DmsEvent> events;
  DmsSignals last;
};

// Feeds at(t) for t = 0, 1/fps, ... up to t_end.
Outcome run(double t_end, double fps, const std::function<DmsObservation(double)>& at, const DmsConfig& config = {}) {
  auto m = DmsStateMachine::make(config);
  EXPECT_TRUE(m.ok());
  Outcome r;
  for (int i = 0; i / fps <= t_end + 1e-9; ++i) {
    const auto s = m->update(at(i / fps), r.events);
    EXPECT_TRUE(s.ok()) << s.error().message;
  }
  r.last = m->signals();
  return r;
}

std::optional<DmsEvent> first(const Outcome& r, DmsEventKind kind) {
  for (const auto& e : r.events)
    if (e.kind == kind) return e;
  return std::nullopt;
}
int count(const Outcome& r, DmsEventKind kind) {
  int n = 0;
  for (const auto& e : r.events) n += e.kind == kind;
  return n;
}

// Looks at the road until `from`, then away for good.
std::function<DmsObservation(double)> look_away_from(double from, float speed) {
  return [=](double t) { return t < from ? road(t, speed) : away(t, speed); };
}

TEST(Addw, AboveFiftyWarnsBeforeThreePointFiveSeconds) {
  for (float speed : {50.1f, 80.f, 130.f})
    for (double fps : {30.0, 7.0}) {  // a slow camera must still make the deadline
      const Outcome r = run(15, fps, look_away_from(5, speed));
      const auto e = first(r, DmsEventKind::kDistraction);
      ASSERT_TRUE(e) << speed << " km/h " << fps << " fps";
      EXPECT_LE(e->t_s, 5 + 3.5) << speed;
      EXPECT_GE(e->t_s, 5 + 3.0 - 1e-9) << speed;  // not before the configured glance length
      EXPECT_EQ(e->level, 2);
      EXPECT_EQ(count(r, DmsEventKind::kDistraction), 1) << "one warning per glance";
    }
}

TEST(Addw, TwentyToFiftyWarnsBySixSeconds) {
  for (float speed : {20.f, 35.f, 50.f})
    for (double fps : {30.0, 7.0}) {
      const Outcome r = run(20, fps, look_away_from(5, speed));
      const auto e = first(r, DmsEventKind::kDistraction);
      ASSERT_TRUE(e) << speed << " km/h";
      EXPECT_LE(e->t_s, 5 + 6.0) << speed;
      EXPECT_GE(e->t_s, 5 + 5.5 - 1e-9) << speed;
    }
}

TEST(Addw, FiftyKmhIsTheSlowBandAndJustAboveIsTheFastOne) {
  // A 4 s glance: warned at 50.1 km/h (limit 3.5 s), not at 50 km/h (limit 6 s).
  auto glance = [](float speed) {
    return [=](double t) { return t >= 5 && t < 9 ? away(t, speed) : road(t, speed); };
  };
  EXPECT_FALSE(first(run(15, 30, glance(50.f)), DmsEventKind::kDistraction));
  EXPECT_TRUE(first(run(15, 30, glance(50.1f)), DmsEventKind::kDistraction));
}

TEST(Addw, NothingBelowTwentyKmh) {
  EXPECT_FALSE(first(run(40, 30, look_away_from(5, 19.9f)), DmsEventKind::kDistraction));
  EXPECT_FALSE(first(run(40, 30, look_away_from(5, 0.f)), DmsEventKind::kDistraction));
  EXPECT_TRUE(first(run(40, 30, look_away_from(5, 20.f)), DmsEventKind::kDistraction));
}

TEST(Addw, SpeedingUpDuringALongGlanceWarnsAtOnce) {
  // Looking away since t = 5 while parked; the car passes 50 km/h at t = 12.
  const Outcome r = run(20, 30, [](double t) { return away(t, t < 12 ? 0.f : 60.f); });
  const auto e = first(r, DmsEventKind::kDistraction);
  ASSERT_TRUE(e);
  EXPECT_NEAR(e->t_s, 12, 0.05);
}

TEST(Addw, NoWarningWhileLookingAtTheRoad) {
  const Outcome r = run(120, 30, [](double t) { return road(t, 100); });
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(r.last.is_eyes_on_road);
  EXPECT_EQ(r.last.distraction_level, 0);
  EXPECT_EQ(r.last.attentive_probability, 100);
}

// Glances of `away_s` separated by `forward_s` on the road, from t = 5.
std::function<DmsObservation(double)> glances(double away_s, double forward_s, float speed) {
  return [=](double t) {
    if (t < 5) return road(t, speed);
    const double phase = std::fmod(t - 5, away_s + forward_s);
    return phase < away_s ? away(t, speed) : road(t, speed);
  };
}

TEST(TimeSharing, TenSecondsAwayWithinThirtyWarns) {
  // 2 s away, 1.5 s back: no single glance reaches 3 s, but the 5th glance ends with 10 s away.
  const Outcome r = run(40, 30, glances(2.0, 1.5, 80));
  const auto e = first(r, DmsEventKind::kVisualTimeSharing);
  ASSERT_TRUE(e);
  const double tenth_second_away = 5 + 4 * 3.5 + 2.0;
  EXPECT_LE(e->t_s, tenth_second_away + 1.0 / 30 + 1e-9);
  EXPECT_GE(e->t_s, tenth_second_away - 1.0 / 30 - 1e-9);
  EXPECT_FALSE(first(r, DmsEventKind::kDistraction)) << "no glance was long enough for ADDW";
}

TEST(TimeSharing, TwoSecondsForwardResetsTheCount) {
  // 2.5 s away, 2.2 s back, for a minute: 32 s away in total but never 10 s without a reset.
  const Outcome r = run(70, 30, glances(2.5, 2.2, 80));
  EXPECT_FALSE(first(r, DmsEventKind::kVisualTimeSharing));
  EXPECT_FALSE(first(r, DmsEventKind::kDistraction));
}

TEST(TimeSharing, NotBelowItsSpeed) {
  EXPECT_FALSE(first(run(40, 30, glances(2.0, 1.5, 15)), DmsEventKind::kVisualTimeSharing));
  EXPECT_TRUE(first(run(40, 30, glances(2.0, 1.5, 20)), DmsEventKind::kVisualTimeSharing));
}

// Eyes closed for `closed_s` from t = 5, open otherwise.
std::function<DmsObservation(double)> closure(double closed_s, float speed) {
  return [=](double t) { return t >= 5 && t < 5 + closed_s ? shut(t, speed) : road(t, speed); };
}

TEST(EyeClosure, MicrosleepFromOneSecondSleepFromThree) {
  const double frame_s = 1.0 / 30;
  const Outcome micro = run(12, 30, closure(1.5, 80));
  const auto m = first(micro, DmsEventKind::kMicrosleep);
  ASSERT_TRUE(m);
  EXPECT_LE(m->t_s, 5 + 1.0 + frame_s);
  EXPECT_FALSE(first(micro, DmsEventKind::kSleep));

  const Outcome sleep = run(15, 30, closure(4.0, 80));
  const auto s = first(sleep, DmsEventKind::kSleep);
  ASSERT_TRUE(s);
  EXPECT_LE(s->t_s, 5 + 3.0 + frame_s);
  EXPECT_GE(s->t_s, 5 + 3.0 - 1e-9);
  EXPECT_EQ(s->level, 3);
  EXPECT_TRUE(first(sleep, DmsEventKind::kMicrosleep));
}

TEST(EyeClosure, BlinksAndShortClosuresAreNotMicrosleeps) {
  for (double closed : {0.15, 0.3, 0.9}) EXPECT_TRUE(run(10, 30, closure(closed, 80)).events.empty()) << closed;
}

TEST(EyeClosure, NotWhenStopped) {
  EXPECT_TRUE(run(15, 30, closure(5.0, 5)).events.empty());
  EXPECT_TRUE(first(run(15, 30, closure(5.0, 10)), DmsEventKind::kSleep));
}

TEST(Unresponsive, NoGazeReturnWithinThreeSecondsOfAWarning) {
  const Outcome r = run(20, 30, look_away_from(5, 80));
  const auto warn = first(r, DmsEventKind::kDistraction);
  const auto u = first(r, DmsEventKind::kUnresponsive);
  ASSERT_TRUE(warn && u);
  EXPECT_GE(u->t_s, warn->t_s + 3.0 - 1e-9);
  EXPECT_LE(u->t_s, warn->t_s + 3.0 + 1.0 / 30 + 1e-9);
  EXPECT_EQ(u->level, 3);
}

TEST(Unresponsive, LookingBackAnswersTheWarning) {
  // Away from 5 s, warned at 8 s, back on the road at 9 s.
  const Outcome r = run(20, 30, [](double t) { return t >= 5 && t < 9 ? away(t, 80) : road(t, 80); });
  EXPECT_TRUE(first(r, DmsEventKind::kDistraction));
  EXPECT_FALSE(first(r, DmsEventKind::kUnresponsive));
}

TEST(Unresponsive, EyesStayingShutAfterAMicrosleepWarning) {
  const Outcome r = run(15, 30, closure(6.0, 80));
  const auto m = first(r, DmsEventKind::kMicrosleep);
  const auto u = first(r, DmsEventKind::kUnresponsive);
  ASSERT_TRUE(m && u);
  EXPECT_NEAR(u->t_s - m->t_s, 3.0, 1.0 / 30 + 1e-9);
}

// Blinks of `blink_s` every 3 s: PERCLOS = blink_s / 3.
std::function<DmsObservation(double)> blinking(double blink_s, std::function<float(double)> speed) {
  return [=](double t) { return std::fmod(t, 3.0) < blink_s ? shut(t, speed(t)) : road(t, speed(t)); };
}

TEST(Drowsiness, PerclosAtKss8WarnsAboveSeventyKmh) {
  // 0.6 s closed every 3 s: PERCLOS 0.2 -> KSS 8; level from 45 s of observation on.
  const Outcome r = run(90, 30, blinking(0.6, [](double) { return 80.f; }));
  const auto e = first(r, DmsEventKind::kDrowsiness);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->level, 2);
  EXPECT_LE(e->t_s, 45 + 1.0 / 30 + 1e-9);
  EXPECT_EQ(r.last.kss, 8);
  EXPECT_NEAR(r.last.perclos, 0.2, 0.01);
  EXPECT_NEAR(r.last.fatigue_level, 100.0 * 7 / 8, 0.01);
  EXPECT_FALSE(first(r, DmsEventKind::kMicrosleep)) << "0.6 s blinks are not microsleeps";
}

TEST(Drowsiness, InactiveAtSeventyKmhAndBelow) {
  const Outcome at70 = run(90, 30, blinking(0.6, [](double) { return 70.f; }));
  EXPECT_FALSE(first(at70, DmsEventKind::kDrowsiness));
  EXPECT_EQ(at70.last.kss, 8) << "the level is still measured for the signals";
  EXPECT_TRUE(first(run(90, 30, blinking(0.6, [](double) { return 70.1f; })), DmsEventKind::kDrowsiness));
}

TEST(Drowsiness, WarnsAsSoonAsTheCarPassesSeventy) {
  const Outcome r = run(120, 30, blinking(0.6, [](double t) { return t < 80 ? 60.f : 90.f; }));
  const auto e = first(r, DmsEventKind::kDrowsiness);
  ASSERT_TRUE(e);
  EXPECT_NEAR(e->t_s, 80, 0.05);
}

TEST(Drowsiness, AlertBlinkingGivesNoWarning) {
  // 0.15 s every 3 s: PERCLOS 0.05.
  const Outcome r = run(120, 30, blinking(0.15, [](double) { return 120.f; }));
  EXPECT_FALSE(first(r, DmsEventKind::kDrowsiness));
  EXPECT_LT(r.last.kss, 7);
  EXPECT_NEAR(r.last.perclos, 0.05, 0.01);
}

TEST(Drowsiness, Kss7IsAnAdvisoryOnly) {
  // 0.36 s every 3 s: PERCLOS 0.12 -> KSS 7.
  const Outcome r = run(90, 30, blinking(0.36, [](double) { return 100.f; }));
  const auto e = first(r, DmsEventKind::kDrowsiness);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->level, 1);
  EXPECT_EQ(r.last.kss, 7);
}

TEST(Degraded, NoFaceForFiveSecondsIsReportedWithinTen) {
  const Outcome r = run(30, 30, [](double t) { return t >= 5 && t < 20 ? no_face(t, 0) : road(t, 0); });
  const auto d = first(r, DmsEventKind::kMonitoringDegraded);
  ASSERT_TRUE(d);
  EXPECT_LE(d->t_s, 5 + 10.0);
  EXPECT_GE(d->t_s, 5 + 5.0 - 1e-9);
  const auto back = first(r, DmsEventKind::kMonitoringRestored);
  ASSERT_TRUE(back);
  EXPECT_NEAR(back->t_s, 20, 0.05);
}

TEST(Degraded, BriefDropoutsAreNotReported) {
  const Outcome r = run(60, 30, [](double t) { return std::fmod(t, 10) < 3 ? no_face(t, 0) : road(t, 0); });
  EXPECT_FALSE(first(r, DmsEventKind::kMonitoringDegraded));
}

TEST(Yawn, MouthOpenForOneAndAHalfSeconds) {
  auto yawn = [](double len) {
    return [=](double t) { return frame(t, 80, true, 0, kOpenEar, t >= 5 && t < 5 + len ? 0.8f : 0.1f); };
  };
  const Outcome r = run(10, 30, yawn(2.5));
  ASSERT_TRUE(first(r, DmsEventKind::kYawn));
  EXPECT_EQ(first(r, DmsEventKind::kYawn)->level, 0);
  EXPECT_FALSE(first(run(10, 30, yawn(1.0)), DmsEventKind::kYawn)) << "talking, not yawning";
}

TEST(Signals, DistractionGrowsTowardTheLimitAndEyesOnRoadFollowsTheGaze) {
  auto m = DmsStateMachine::make({});
  ASSERT_TRUE(m.ok());
  std::vector<DmsEvent> ev;
  ASSERT_TRUE(m->update(road(0, 80), ev).ok());
  EXPECT_TRUE(m->signals().is_eyes_on_road);
  ASSERT_TRUE(m->update(away(1, 80), ev).ok());
  ASSERT_TRUE(m->update(away(2.5, 80), ev).ok());  // 1.5 s of a 3 s limit
  EXPECT_FALSE(m->signals().is_eyes_on_road);
  EXPECT_NEAR(m->signals().distraction_level, 50, 0.5);
  EXPECT_NEAR(m->signals().attentive_probability, 50, 0.5);
  ASSERT_TRUE(m->update(shut(3, 80), ev).ok());
  EXPECT_FALSE(m->signals().is_eyes_on_road) << "closed eyes are not on the road";
}

TEST(StateMachine, TimeMustNotGoBackwards) {
  auto m = DmsStateMachine::make({});
  ASSERT_TRUE(m.ok());
  std::vector<DmsEvent> ev;
  ASSERT_TRUE(m->update(road(10, 80), ev).ok());
  const auto s = m->update(road(9.5, 80), ev);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("before the previous"), std::string::npos);
  EXPECT_FALSE(m->update(road(std::nan(""), 80), ev).ok());
}

TEST(Config, DefaultFileMatchesTheBuiltInDefaults) {
  auto c = DmsConfig::load(std::string(ONBOARD_SOURCE_DIR) + "/config/dms/default.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(*c == DmsConfig{});
  EXPECT_TRUE(DmsConfig{}.validate().ok());
}

TEST(Config, RefusesValuesPastLegalDeadlinesAndHasNoOffSwitch) {
  auto late = DmsConfig::from_json(R"({"addw_warn_high_speed_s": 4.0})", "test.json");
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("3.5"), std::string::npos);
  EXPECT_NE(late.error().message.find("test.json"), std::string::npos);

  auto off = DmsConfig::from_json(R"({"enabled": false})", "test.json");
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("unknown key \"enabled\""), std::string::npos);

  EXPECT_FALSE(DmsConfig::from_json(R"({"ddaw_min_speed_kmh": 90})", "t").ok());
  EXPECT_FALSE(DmsConfig::from_json(R"({"degraded_no_face_s": 12})", "t").ok());
  EXPECT_FALSE(DmsConfig::from_json(R"({"sleep_s": 0.5})", "t").ok()) << "sleep before microsleep";
  EXPECT_FALSE(DmsConfig::from_json(R"({"ear_closed": "low"})", "t").ok());
  EXPECT_FALSE(DmsConfig::from_json(R"({"ear_closed": -1})", "t").ok());
  EXPECT_FALSE(DmsConfig::from_json("{", "t").ok());
  auto tuned = DmsConfig::from_json(R"({"road_yaw_center_deg": -12.5, "ear_closed": 0.22})", "t");
  ASSERT_TRUE(tuned.ok()) << tuned.error().message;
  EXPECT_FLOAT_EQ(tuned->road_yaw_center_deg, -12.5f);

  DmsConfig bad;
  bad.addw_warn_mid_speed_s = 7;
  EXPECT_FALSE(DmsStateMachine::make(bad).ok());
}

}  // namespace
}  // namespace onboard::dms
