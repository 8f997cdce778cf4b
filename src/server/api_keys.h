// Optional API keys (--api-key-file: one key a line, blank lines and #comments skipped).
// Requests carry "Authorization: Bearer KEY"; keys are compared in constant time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace onboard::server {

class ApiKeys {
 public:
  static Expected<ApiKeys> load(const std::string& path);
  static ApiKeys from_keys(std::vector<std::string> keys);

  bool enabled() const { return !keys_.empty(); }
  // True when the Authorization header value holds one of the keys (or no keys are set).
  bool authorize(std::string_view authorization_header) const;

 private:
  std::vector<std::string> keys_;
};

// Equality whose running time depends only on the lengths, never on where inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace onboard::server
