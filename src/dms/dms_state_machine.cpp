#include "dms/dms_state_machine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace onboard::dms {
namespace {

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[200];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

}  // namespace

const char* to_string(DmsEventKind kind) {
  switch (kind) {
    case DmsEventKind::kDistraction: return "distraction";
    case DmsEventKind::kVisualTimeSharing: return "visual_time_sharing";
    case DmsEventKind::kMicrosleep: return "microsleep";
    case DmsEventKind::kSleep: return "sleep";
    case DmsEventKind::kDrowsiness: return "drowsiness";
    case DmsEventKind::kUnresponsive: return "unresponsive";
    case DmsEventKind::kYawn: return "yawn";
    case DmsEventKind::kMonitoringDegraded: return "monitoring_degraded";
    case DmsEventKind::kMonitoringRestored: return "monitoring_restored";
  }
  return "unknown";
}

Expected<DmsStateMachine> DmsStateMachine::make(const DmsConfig& config) {
  ONBOARD_TRY(config.validate());
  return DmsStateMachine(config);
}

DmsStateMachine::DmsStateMachine(const DmsConfig& config)
    : config_(config),
      away_window_(config.timesharing_window_s),
      closed_window_(config.perclos_window_s),
      observed_window_(config.perclos_window_s) {}

bool DmsStateMachine::in_road_zone(const HeadPose& pose) const {
  return std::abs(pose.yaw - config_.road_yaw_center_deg) <= config_.road_yaw_half_deg &&
         std::abs(pose.pitch - config_.road_pitch_center_deg) <= config_.road_pitch_half_deg;
}

double DmsStateMachine::addw_limit_s(float speed_kmh) const {
  if (speed_kmh < config_.addw_min_speed_kmh) return 0;  // ADDW: no warning below 20 km/h
  return speed_kmh > config_.addw_high_speed_kmh ? config_.addw_warn_high_speed_s : config_.addw_warn_mid_speed_s;
}

int DmsStateMachine::kss_from_perclos(double perclos) const {
  if (perclos >= config_.perclos_kss9) return 9;
  if (perclos >= config_.perclos_kss8) return 8;
  if (perclos >= config_.perclos_kss7) return 7;
  return 1 + static_cast<int>(6.0 * perclos / config_.perclos_kss7);  // 1..6 below the KSS 7 mark
}

Status DmsStateMachine::update(const DmsObservation& obs, std::vector<DmsEvent>& events) {
  if (!std::isfinite(obs.t_s) || !std::isfinite(obs.speed_kmh))
    return make_error(ErrorCode::kInvalidArgument, "DMS observation: time and speed must be finite");
  if (started_ && obs.t_s < last_.t_s)
    return make_error(ErrorCode::kInvalidArgument, format("DMS observation at %.3f s is before the previous one at %.3f s", obs.t_s, last_.t_s));
  const double t = obs.t_s;
  // The previous observation's state held from its time until now.
  if (started_) {
    if (last_away_) away_window_.add(last_.t_s, t);
    if (last_closed_) closed_window_.add(last_.t_s, t);
    if (last_.face_found) observed_window_.add(last_.t_s, t);
  }
  started_ = true;

  auto emit = [&](DmsEventKind kind, int level, std::string detail) {
    events.push_back({t, kind, level, std::move(detail)});
  };
  // A warning the driver must answer by looking back at the road.
  auto expect_response = [&] {
    if (awaiting_response_since_ < 0) awaiting_response_since_ = t;
  };

  const bool face = obs.face_found;
  const bool closed = face && (obs.ear_left + obs.ear_right) / 2 < config_.ear_closed;
  // A face the detector lost is most often a head turned far away: it counts as away.
  const bool away = !face || !in_road_zone(obs.pose);
  const bool on_road = !away && !closed;

  // Monitoring availability.
  if (!face) {
    if (no_face_since_ < 0) no_face_since_ = t;
    if (!degraded_ && t - no_face_since_ >= config_.degraded_no_face_s) {
      degraded_ = true;
      emit(DmsEventKind::kMonitoringDegraded, 1, format("no face for %.1f s: driver monitoring degraded", t - no_face_since_));
    }
  } else {
    no_face_since_ = -1;
    if (degraded_) {
      degraded_ = false;
      emit(DmsEventKind::kMonitoringRestored, 0, "face found again: driver monitoring restored");
    }
  }

  // Looking back at the road answers any open warning and, held long enough, ends time sharing.
  if (on_road) {
    if (forward_since_ < 0) forward_since_ = t;
    awaiting_response_since_ = -1;
    unresponsive_warned_ = false;
    if (t - forward_since_ >= config_.timesharing_reset_forward_s) {
      away_window_.clear();
      timesharing_warned_ = false;
    }
  } else {
    forward_since_ = -1;
  }

  // ADDW: one long glance away.
  if (away) {
    if (away_since_ < 0) {
      away_since_ = t;
      distraction_warned_ = false;
    }
  } else {
    away_since_ = -1;
  }
  const double away_s = away_since_ >= 0 ? t - away_since_ : 0;
  const double addw_limit = addw_limit_s(obs.speed_kmh);
  if (addw_limit > 0 && away_s >= addw_limit && !distraction_warned_) {
    distraction_warned_ = true;
    expect_response();
    emit(DmsEventKind::kDistraction, 2, format("eyes off the road for %.1f s at %.0f km/h (limit %.1f s)", away_s, double{obs.speed_kmh}, addw_limit));
  }

  // Euro NCAP visual attention time sharing.
  const double away_total = away_window_.total(t);
  if (away_total < config_.timesharing_limit_s) timesharing_warned_ = false;
  if (obs.speed_kmh >= config_.timesharing_min_speed_kmh && away_total >= config_.timesharing_limit_s && !timesharing_warned_) {
    timesharing_warned_ = true;
    expect_response();
    emit(DmsEventKind::kVisualTimeSharing, 2,
         format("%.1f s away from the road within %.0f s (limit %.1f s)", away_total, config_.timesharing_window_s, config_.timesharing_limit_s));
  }

  // Eye closure: microsleep, then sleep.
  if (closed) {
    if (closed_since_ < 0) closed_since_ = t;
  } else {
    closed_since_ = -1;
    microsleep_warned_ = sleep_warned_ = false;
  }
  const double closed_s = closed_since_ >= 0 ? t - closed_since_ : 0;
  if (obs.speed_kmh >= config_.eye_closure_min_speed_kmh) {
    if (closed_s >= config_.microsleep_s && !microsleep_warned_) {
      microsleep_warned_ = true;
      expect_response();
      emit(DmsEventKind::kMicrosleep, 2, format("eyes closed for %.1f s (microsleep from %.1f s)", closed_s, config_.microsleep_s));
    }
    if (closed_s >= config_.sleep_s && !sleep_warned_) {
      sleep_warned_ = true;
      expect_response();
      emit(DmsEventKind::kSleep, 3, format("eyes closed for %.1f s (sleep from %.1f s)", closed_s, config_.sleep_s));
    }
  }

  // Unresponsive: a warning is out and the gaze has not come back.
  if (awaiting_response_since_ >= 0 && !unresponsive_warned_ && t - awaiting_response_since_ >= config_.unresponsive_after_warning_s) {
    unresponsive_warned_ = true;
    emit(DmsEventKind::kUnresponsive, 3,
         format("no return of gaze %.1f s after a warning (limit %.1f s)", t - awaiting_response_since_, config_.unresponsive_after_warning_s));
  }

  // PERCLOS and the DDAW drowsiness level.
  const double observed = observed_window_.total(t);
  if (observed >= config_.perclos_min_observed_s) {
    signals_.perclos = static_cast<float>(closed_window_.total(t) / observed);
    signals_.kss = kss_from_perclos(signals_.perclos);
  }
  if (signals_.kss < 7) drowsiness_level_warned_ = 0;
  if (obs.speed_kmh > config_.ddaw_min_speed_kmh) {
    const int level = signals_.kss >= 8 ? 2 : (signals_.kss == 7 && config_.ddaw_advise_at_kss7 ? 1 : 0);
    if (level > drowsiness_level_warned_) {
      drowsiness_level_warned_ = level;
      emit(DmsEventKind::kDrowsiness, level,
           format("drowsiness level %d (PERCLOS %.0f %% over %.0f s)", signals_.kss, 100.0 * signals_.perclos, config_.perclos_window_s));
    }
  }

  // Yawning.
  const bool yawning = face && obs.mouth > config_.yawn_mouth_opening;
  if (yawning) {
    if (yawn_since_ < 0) {
      yawn_since_ = t;
      yawn_reported_ = false;
    }
    if (!yawn_reported_ && t - yawn_since_ >= config_.yawn_min_s) {
      yawn_reported_ = true;
      emit(DmsEventKind::kYawn, 0, "yawn");
    }
  } else {
    yawn_since_ = -1;
  }

  update_signals(obs, on_road, away_s);
  last_ = obs;
  last_away_ = away;
  last_closed_ = closed;
  return Status::Ok();
}

void DmsStateMachine::update_signals(const DmsObservation& obs, bool on_road, double away_s) {
  signals_.is_eyes_on_road = on_road;
  // Distraction: how far the current glance and the time-sharing count are toward their limits.
  const double limit = addw_limit_s(obs.speed_kmh) > 0 ? addw_limit_s(obs.speed_kmh) : config_.addw_warn_mid_speed_s;
  const double d = std::max(away_s / limit, away_window_.total(obs.t_s) / config_.timesharing_limit_s);
  signals_.distraction_level = static_cast<float>(100.0 * std::clamp(d, 0.0, 1.0));
  // Fatigue: the KSS-like level, raised by a closure in progress toward sleep.
  const double closed_s = closed_since_ >= 0 ? obs.t_s - closed_since_ : 0;
  const double f = std::max((signals_.kss - 1) / 8.0, closed_s / config_.sleep_s);
  signals_.fatigue_level = static_cast<float>(100.0 * std::clamp(f, 0.0, 1.0));
  signals_.attentive_probability = (100.0f - signals_.distraction_level) * (100.0f - signals_.fatigue_level) / 100.0f;
}

}  // namespace onboard::dms
