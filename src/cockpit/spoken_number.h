// Numbers as people say them to a car: digits ("22", "22.5", "50%"), Chinese numerals
// ("二十二", "二十二点五", "两", "百分之五十") and English words ("twenty-two", "fifty percent").
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace onboard::cockpit {

struct SpokenNumber {
  double value = 0;
  size_t begin = 0, end = 0;  // byte span in the text
  bool percent = false;       // "%", "percent", "百分之"
};

// The number starting exactly at `pos`, or nullopt. "一点" / "a bit" are not numbers: "调高一点"
// means "a little higher", so a Chinese "点" only counts as a decimal point when a digit follows.
std::optional<SpokenNumber> spoken_number_at(std::string_view text, size_t pos);

}  // namespace onboard::cockpit
