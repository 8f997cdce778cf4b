#include "dms/dms_config.h"

#include <cmath>
#include <fstream>
#include <string_view>
#include <iterator>
#include <nlohmann/json.hpp>
#include <variant>

namespace onboard::dms {
namespace {

using Field = std::variant<float DmsConfig::*, double DmsConfig::*, bool DmsConfig::*>;
struct NamedField {
  const char* name;
  Field field;
};

// The JSON names are the member names, so config/dms/default.json reads like this header.
constexpr NamedField kFields[] = {
    {"road_yaw_center_deg", &DmsConfig::road_yaw_center_deg},
    {"road_pitch_center_deg", &DmsConfig::road_pitch_center_deg},
    {"road_yaw_half_deg", &DmsConfig::road_yaw_half_deg},
    {"road_pitch_half_deg", &DmsConfig::road_pitch_half_deg},
    {"addw_min_speed_kmh", &DmsConfig::addw_min_speed_kmh},
    {"addw_high_speed_kmh", &DmsConfig::addw_high_speed_kmh},
    {"addw_warn_mid_speed_s", &DmsConfig::addw_warn_mid_speed_s},
    {"addw_warn_high_speed_s", &DmsConfig::addw_warn_high_speed_s},
    {"timesharing_window_s", &DmsConfig::timesharing_window_s},
    {"timesharing_limit_s", &DmsConfig::timesharing_limit_s},
    {"timesharing_reset_forward_s", &DmsConfig::timesharing_reset_forward_s},
    {"timesharing_min_speed_kmh", &DmsConfig::timesharing_min_speed_kmh},
    {"ear_closed", &DmsConfig::ear_closed},
    {"microsleep_s", &DmsConfig::microsleep_s},
    {"sleep_s", &DmsConfig::sleep_s},
    {"eye_closure_min_speed_kmh", &DmsConfig::eye_closure_min_speed_kmh},
    {"perclos_window_s", &DmsConfig::perclos_window_s},
    {"perclos_min_observed_s", &DmsConfig::perclos_min_observed_s},
    {"perclos_kss7", &DmsConfig::perclos_kss7},
    {"perclos_kss8", &DmsConfig::perclos_kss8},
    {"perclos_kss9", &DmsConfig::perclos_kss9},
    {"ddaw_min_speed_kmh", &DmsConfig::ddaw_min_speed_kmh},
    {"ddaw_advise_at_kss7", &DmsConfig::ddaw_advise_at_kss7},
    {"unresponsive_after_warning_s", &DmsConfig::unresponsive_after_warning_s},
    {"degraded_no_face_s", &DmsConfig::degraded_no_face_s},
    {"yawn_mouth_opening", &DmsConfig::yawn_mouth_opening},
    {"yawn_min_s", &DmsConfig::yawn_min_s},
};

Error invalid(const std::string& msg) { return make_error(ErrorCode::kInvalidArgument, "DMS config: " + msg); }

}  // namespace

Expected<DmsConfig> DmsConfig::from_json(const std::string& text, const std::string& where) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (j.is_discarded()) return make_error(ErrorCode::kInvalidArgument, where + ": not valid JSON");
  if (!j.is_object()) return make_error(ErrorCode::kInvalidArgument, where + ": expected a JSON object");
  DmsConfig c;
  for (const auto& item : j.items()) {
    // Named copies, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    const NamedField* f = nullptr;
    for (const auto& candidate : kFields)
      if (key == candidate.name) f = &candidate;
    if (!f) return make_error(ErrorCode::kInvalidArgument, where + ": unknown key \"" + key + "\"");
    const bool ok = std::visit(
        [&](auto member) {
          using T = std::remove_reference_t<decltype(c.*member)>;
          if constexpr (std::is_same_v<T, bool>) {
            if (!value.is_boolean()) return false;
            c.*member = value.get<bool>();
          } else {
            if (!value.is_number()) return false;
            c.*member = value.get<T>();
          }
          return true;
        },
        f->field);
    if (!ok) return make_error(ErrorCode::kInvalidArgument, where + ": \"" + key + "\" has the wrong type");
  }
  if (auto s = c.validate(); !s.ok()) return make_error(ErrorCode::kInvalidArgument, where + ": " + s.error().message);
  return c;
}

Expected<DmsConfig> DmsConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open DMS config " + path);
  return from_json(std::string(std::istreambuf_iterator<char>(in), {}), path);
}

Status DmsConfig::validate() const {
  for (const auto& f : kFields) {
    const double v = std::visit([&](auto member) { return static_cast<double>(this->*member); }, f.field);
    const bool may_be_negative = std::string_view(f.name).ends_with("center_deg");
    if (!std::isfinite(v) || (v < 0 && !may_be_negative)) return invalid(std::string(f.name) + " must be a finite non-negative number");
  }
  if (road_yaw_half_deg <= 0 || road_yaw_half_deg >= 90 || road_pitch_half_deg <= 0 || road_pitch_half_deg >= 90)
    return invalid("the road zone's half angles must be in (0, 90) degrees");
  if (addw_min_speed_kmh > 20 || addw_high_speed_kmh > 50 || addw_min_speed_kmh >= addw_high_speed_kmh)
    return invalid("ADDW (2023/2590) is active from 20 km/h with its fast band above 50 km/h: addw_min_speed_kmh <= 20 < addw_high_speed_kmh <= 50");
  if (addw_warn_mid_speed_s <= 0 || addw_warn_mid_speed_s > 6.0)
    return invalid("addw_warn_mid_speed_s must be in (0, 6] s (ADDW 2023/2590 deadline at 20-50 km/h)");
  if (addw_warn_high_speed_s <= 0 || addw_warn_high_speed_s > 3.5)
    return invalid("addw_warn_high_speed_s must be in (0, 3.5] s (ADDW 2023/2590 deadline above 50 km/h)");
  if (timesharing_limit_s <= 0 || timesharing_limit_s > 10 || timesharing_window_s < timesharing_limit_s)
    return invalid("time sharing needs 0 < timesharing_limit_s <= 10 s (Euro NCAP) and a window at least that long");
  if (timesharing_reset_forward_s <= 0) return invalid("timesharing_reset_forward_s must be positive");
  if (ear_closed <= 0 || ear_closed >= 1) return invalid("ear_closed must be in (0, 1)");
  if (microsleep_s <= 0 || microsleep_s >= sleep_s || sleep_s > 3)
    return invalid("eye closure needs 0 < microsleep_s < sleep_s <= 3 s (Euro NCAP: sleep > 3 s)");
  if (perclos_window_s <= 0 || perclos_min_observed_s <= 0 || perclos_min_observed_s > perclos_window_s)
    return invalid("PERCLOS needs 0 < perclos_min_observed_s <= perclos_window_s");
  if (!(perclos_kss7 > 0 && perclos_kss7 < perclos_kss8 && perclos_kss8 < perclos_kss9 && perclos_kss9 <= 1))
    return invalid("PERCLOS levels must satisfy 0 < kss7 < kss8 < kss9 <= 1");
  if (ddaw_min_speed_kmh > 70) return invalid("ddaw_min_speed_kmh must be <= 70 (DDAW 2021/1341 is active above 70 km/h)");
  if (unresponsive_after_warning_s <= 0 || unresponsive_after_warning_s > 3)
    return invalid("unresponsive_after_warning_s must be in (0, 3] s (Euro NCAP)");
  if (degraded_no_face_s <= 0 || degraded_no_face_s > 10)
    return invalid("degraded_no_face_s must be in (0, 10] s (Euro NCAP: tell the driver within 10 s)");
  if (yawn_mouth_opening <= 0 || yawn_min_s <= 0) return invalid("yawn thresholds must be positive");
  return Status::Ok();
}

}  // namespace onboard::dms
