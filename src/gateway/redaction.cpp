#include "gateway/redaction.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace onboard::gateway {

std::string coarsen_coordinates(std::string_view span, int decimals) {
  std::string out;
  size_t i = 0;
  while (i < span.size()) {
    const bool starts_number = std::isdigit(static_cast<unsigned char>(span[i])) ||
                               (span[i] == '-' && i + 1 < span.size() && std::isdigit(static_cast<unsigned char>(span[i + 1])));
    if (!starts_number) {
      out += span[i++];
      continue;
    }
    size_t j = i + 1;
    while (j < span.size() && (std::isdigit(static_cast<unsigned char>(span[j])) || span[j] == '.')) ++j;
    const std::string number(span.substr(i, j - i));
    const size_t dot = number.find('.');
    if (dot != std::string::npos && number.size() - dot - 1 > static_cast<size_t>(decimals)) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.*f", decimals, std::strtod(number.c_str(), nullptr));
      out += buf;
    } else {
      out += number;
    }
    i = j;
  }
  return out;
}

std::string Reidentifier::redact(std::string_view text) {
  std::string out;
  size_t at = 0;
  for (const Finding& f : detect_identifiers(text)) {
    out.append(text.substr(at, f.begin - at));
    at = f.end;
    const std::string_view original = text.substr(f.begin, f.end - f.begin);
    if (f.kind == Identifier::kCoordinates) {
      out += coordinate_decimals_ < 0 ? std::string(original) : coarsen_coordinates(original, coordinate_decimals_);
      continue;
    }
    std::string placeholder;
    for (const auto& [p, o] : table_)
      if (o == original) placeholder = p;
    if (placeholder.empty()) {
      // A number the text itself already spells out is skipped, so restoring cannot turn the
      // caller's own "[PHONE_CN_1]" into a number.
      do {
        const int n = ++counters_[static_cast<size_t>(f.kind)];
        placeholder = "[" + std::string(identifier_name(f.kind)) + "_" + std::to_string(n) + "]";
      } while (text.find(placeholder) != std::string_view::npos);
      table_.emplace_back(placeholder, std::string(original));
      longest_ = std::max(longest_, placeholder.size());
    }
    out += placeholder;
  }
  out.append(text.substr(at));
  return out;
}

std::string Reidentifier::restore(std::string_view text) const {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    if (text[i] == '[') {
      for (const auto& [p, o] : table_) {
        if (text.compare(i, p.size(), p) == 0) {
          out += o;
          i += p.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

std::vector<std::string> Reidentifier::originals() const {
  std::vector<std::string> out;
  for (const auto& entry : table_) out.push_back(entry.second);
  return out;
}

std::string StreamRestorer::push(std::string_view chunk) {
  pending_ += chunk;
  size_t keep_from = pending_.size();
  const size_t bracket = pending_.rfind('[');
  if (bracket != std::string::npos) {
    const std::string_view tail = std::string_view(pending_).substr(bracket);
    for (const auto& entry : table_.table()) {
      const std::string& p = entry.first;
      if (tail.size() < p.size() && p.compare(0, tail.size(), tail) == 0) {
        keep_from = bracket;  // may still become this placeholder
        break;
      }
    }
  }
  std::string out = table_.restore(std::string_view(pending_).substr(0, keep_from));
  pending_.erase(0, keep_from);
  return out;
}

std::string StreamRestorer::finish() {
  std::string out = table_.restore(pending_);
  pending_.clear();
  return out;
}

}  // namespace onboard::gateway
