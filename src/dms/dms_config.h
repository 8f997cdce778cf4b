// Every threshold of the driver-monitoring rules, each with its source. There is deliberately no
// "enabled" switch: monitoring is on at every start (Euro NCAP 2026: on by default, not
// switchable with a single press; DDAW 2021/1341: the driver cannot deactivate it), and
// validate() refuses values that would push a warning past its legal deadline.
#pragma once

#include <string>

#include "core/status.h"

namespace onboard::dms {

struct DmsConfig {
  // Forward road zone: a cone of head yaw/pitch (degrees, camera frame, see HeadPose) around
  // the pose of a driver looking down the road. The centre depends on where the camera sits.
  // [ours]: ADDW 2023/2590 works on gaze areas with head pose as auxiliary; 20/15 degrees keeps
  // mirror and instrument glances "away" while normal road scanning stays "on road".
  float road_yaw_center_deg = 0, road_pitch_center_deg = 0;
  float road_yaw_half_deg = 20, road_pitch_half_deg = 15;

  // ADDW (Delegated Reg. (EU) 2023/2590, UTAC summary): no warning below 20 km/h; by 6 s of
  // looking away at 20-50 km/h; before 3.5 s above 50 km/h. We warn a little earlier (allowed)
  // so a frame or two of latency stays inside the legal deadline.
  float addw_min_speed_kmh = 20, addw_high_speed_kmh = 50;
  double addw_warn_mid_speed_s = 5.5;   // deadline 6 s (20-50 km/h)
  double addw_warn_high_speed_s = 3.0;  // deadline 3.5 s (> 50 km/h); also Euro NCAP's 3 s long glance

  // Euro NCAP DSM 2023-2025 visual attention time sharing: > 10 s cumulative away within 30 s;
  // the count resets after >= 2 s looking forward. Active from ADDW's 20 km/h [ours].
  double timesharing_window_s = 30, timesharing_limit_s = 10, timesharing_reset_forward_s = 2;
  float timesharing_min_speed_kmh = 20;

  // Eye closure. EAR below this counts as closed (Soukupova & Cech; practical 0.2-0.25).
  float ear_closed = 0.2f;
  // Euro NCAP [2nd]: microsleep = closure 1-3 s, sleep = closure > 3 s. Active while moving [ours].
  double microsleep_s = 1.0, sleep_s = 3.0;
  float eye_closure_min_speed_kmh = 10;

  // PERCLOS (Wierwille 1994; FHWA tech brief): share of the last 60 s with the eyes closed.
  // KSS-like drowsiness: 7 from PERCLOS 0.10 (JOV 2012: ~10.5 % at the first 1-s microsleep),
  // 8 from 0.15 (cockpit-requirements 2.4 default), 9 from 0.25 [ours]. DDAW 2021/1341 warns at
  // KSS >= 8 and may warn at 7; it is active above 70 km/h.
  double perclos_window_s = 60;
  double perclos_min_observed_s = 45;  // [ours] no level from a nearly empty window
  float perclos_kss7 = 0.10f, perclos_kss8 = 0.15f, perclos_kss9 = 0.25f;
  float ddaw_min_speed_kmh = 70;
  bool ddaw_advise_at_kss7 = true;

  // Euro NCAP [2nd]: unresponsive driver = no return of gaze to the road within 3 s of a warning.
  double unresponsive_after_warning_s = 3.0;

  // Euro NCAP [2nd]: tell the driver within 10 s when monitoring degrades (no face). [ours] 5 s.
  double degraded_no_face_s = 5.0;

  // Yawning [ours]: inner-lip gap over mouth width above 0.6 for 1.5 s (GB/T 41797: optional).
  float yawn_mouth_opening = 0.6f;
  double yawn_min_s = 1.5;

  // Parses JSON (comments allowed) over the defaults; unknown keys are errors.
  bool operator==(const DmsConfig&) const = default;

  static Expected<DmsConfig> from_json(const std::string& text, const std::string& where);
  static Expected<DmsConfig> load(const std::string& path);
  // Refuses values that are not positive, out of order, or later than the legal deadlines.
  Status validate() const;
};

}  // namespace onboard::dms
