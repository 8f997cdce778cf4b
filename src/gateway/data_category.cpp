#include "gateway/data_category.h"

#include <array>

namespace onboard::gateway {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Category::kCount)> kNames = {
    "NONE",          "CABIN_IMAGE",      "FACE/EXPRESSION", "GAZE",           "VOICE_AUDIO",       "VOICEPRINT",
    "BIOMETRIC_OTHER", "LOCATION_PRECISE", "TRAJECTORY",     "EXTERIOR_IMAGE", "CONTACTS/CALENDAR", "VEHICLE_STATE",
};

}  // namespace

std::string_view category_name(Category c) { return kNames[static_cast<size_t>(c)]; }

std::optional<Category> parse_category(std::string_view name) {
  // "FACE_EXPRESSION" and "CONTACTS_CALENDAR": the same names without '/', for headers and URLs.
  for (size_t i = 0; i < kNames.size(); ++i) {
    const std::string_view n = kNames[i];
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < n.size() && same; ++k) same = n[k] == name[k] || (n[k] == '/' && name[k] == '_');
    if (same) return static_cast<Category>(i);
  }
  return std::nullopt;
}

std::vector<Category> CategorySet::list() const {
  std::vector<Category> out;
  for (size_t i = 1; i < static_cast<size_t>(Category::kCount); ++i)
    if (has(static_cast<Category>(i))) out.push_back(static_cast<Category>(i));
  return out;
}

std::string CategorySet::names() const {
  std::string out;
  for (Category c : list()) {
    if (!out.empty()) out += ',';
    out += category_name(c);
  }
  return out.empty() ? "NONE" : out;
}

}  // namespace onboard::gateway
