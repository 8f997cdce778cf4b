// The data categories of cockpit-requirements §3.4 that travel with a request, and the
// names they have in requests, headers and the policy file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::gateway {

enum class Category : uint8_t {
  kNone = 0,
  kCabinImage,
  kFaceExpression,
  kGaze,
  kVoiceAudio,
  kVoiceprint,
  kBiometricOther,
  kLocationPrecise,
  kTrajectory,
  kExteriorImage,
  kContactsCalendar,
  kVehicleState,
  kCount,
};

// "CABIN_IMAGE", "FACE/EXPRESSION" (also accepted: "FACE_EXPRESSION"), ...
std::string_view category_name(Category c);
std::optional<Category> parse_category(std::string_view name);

// A set of categories (bit i = Category i).
class CategorySet {
 public:
  void add(Category c) { bits_ |= 1u << static_cast<unsigned>(c); }
  bool has(Category c) const { return (bits_ >> static_cast<unsigned>(c)) & 1u; }
  bool empty() const { return bits_ == 0; }
  void merge(CategorySet o) { bits_ |= o.bits_; }
  std::vector<Category> list() const;
  std::string names() const;  // "LOCATION_PRECISE,VEHICLE_STATE"; "NONE" when empty

 private:
  uint32_t bits_ = 0;
};

}  // namespace onboard::gateway
