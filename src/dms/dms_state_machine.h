// The driver-monitoring rules: per-frame observations in, warnings and the VSS driver signals
// out. Time is passed in (seconds on a monotonic clock), so the same code runs on a camera, a
// video file or a scripted test stream. Its inputs are the face measurements and the vehicle
// speed only: no language model, no network, nothing that can be unavailable in a tunnel.
#pragma once

#include <string>
#include <vector>

#include "dms/dms_config.h"
#include "dms/face_geometry.h"
#include "dms/time_window.h"

namespace onboard::dms {

struct DmsObservation {
  double t_s = 0;           // monotonic seconds; must not go backwards
  float speed_kmh = 0;
  bool face_found = false;  // the rest is meaningful only when true
  HeadPose pose;
  float ear_left = 0, ear_right = 0, mouth = 0;
};

enum class DmsEventKind {
  kDistraction,          // ADDW: looking away past the speed band's limit
  kVisualTimeSharing,    // Euro NCAP: too much time away within the window
  kMicrosleep,           // eyes closed past microsleep_s
  kSleep,                // eyes closed past sleep_s
  kDrowsiness,           // DDAW: drowsiness level reached (level 1 advisory at KSS 7, 2 at KSS >= 8)
  kUnresponsive,         // no gaze return within the limit after a warning
  kYawn,                 // information for the fatigue estimate
  kMonitoringDegraded,   // no face for degraded_no_face_s
  kMonitoringRestored,
};
const char* to_string(DmsEventKind kind);

// level: 0 information, 1 advisory/notice, 2 warning, 3 urgent.
struct DmsEvent {
  double t_s = 0;
  DmsEventKind kind = DmsEventKind::kDistraction;
  int level = 0;
  std::string detail;
};

// The values for Vehicle.Driver.* (VSS 6.0: FatigueLevel, DistractionLevel and
// AttentiveProbability are percent 0-100, IsEyesOnRoad boolean).
struct DmsSignals {
  float fatigue_level = 0;
  float distraction_level = 0;
  float attentive_probability = 100;
  bool is_eyes_on_road = false;
  int kss = 1;          // the KSS-like drowsiness level behind fatigue_level (1-9)
  float perclos = 0;    // share of the window with the eyes closed
};

class DmsStateMachine {
 public:
  // The config must pass validate(); an invalid one is refused by make().
  static Expected<DmsStateMachine> make(const DmsConfig& config);

  // Advances to obs.t_s and appends the events that fire to `events`. Frames may come at any
  // rate; each observation's state holds until the next one. A time earlier than the previous
  // one is an error (the clock must be monotonic).
  Status update(const DmsObservation& obs, std::vector<DmsEvent>& events);

  const DmsSignals& signals() const { return signals_; }
  const DmsConfig& config() const { return config_; }
  // Whether a pose lies in the forward road zone.
  bool in_road_zone(const HeadPose& pose) const;

 private:
  explicit DmsStateMachine(const DmsConfig& config);
  double addw_limit_s(float speed_kmh) const;  // 0 when ADDW is inactive at this speed
  int kss_from_perclos(double perclos) const;
  void update_signals(const DmsObservation& obs, bool on_road, double away_s);

  DmsConfig config_;
  bool started_ = false;
  DmsObservation last_;
  bool last_away_ = false, last_closed_ = false, last_yawning_ = false;

  double away_since_ = -1;      // current glance away began (-1: looking at the road)
  double forward_since_ = -1;   // current look at the road began
  double closed_since_ = -1;    // current eye closure began
  double yawn_since_ = -1;
  double no_face_since_ = -1;
  bool distraction_warned_ = false, timesharing_warned_ = false, microsleep_warned_ = false, sleep_warned_ = false;
  bool yawn_reported_ = false, degraded_ = false, unresponsive_warned_ = false;
  int drowsiness_level_warned_ = 0;  // the event level already given for the current KSS episode
  double awaiting_response_since_ = -1;  // a warning is out and the gaze has not come back

  TimeWindow away_window_;      // time looking away, for time sharing
  TimeWindow closed_window_;    // eyes closed, for PERCLOS
  TimeWindow observed_window_;  // face seen, PERCLOS's denominator
  DmsSignals signals_;
};

}  // namespace onboard::dms
