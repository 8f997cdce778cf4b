// Optional API keys (--api-key-file: one key a line, blank lines and #comments skipped; a
// line may name a priority class after the key, "KEY critical": the key's requests default
// to that class and may not ask for a higher one).
// Requests carry "Authorization: Bearer KEY"; keys are compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/scheduler.h"

namespace onboard::server {

class ApiKeys {
 public:
  static Expected<ApiKeys> load(const std::string& path);
  struct Key {
    std::string key;
    std::optional<Priority> priority;  // none: any class
  };
  static ApiKeys from_keys(std::vector<std::string> keys);
  static ApiKeys from_entries(std::vector<Key> keys);

  bool enabled() const { return !keys_.empty(); }
  // True when the Authorization header value holds one of the keys (or no keys are set).
  bool authorize(std::string_view authorization_header) const { return find(authorization_header) != nullptr; }
  // The key the header holds (every key compared, in constant time); null when none, and a
  // static any-class key when keys are off.
  const Key* find(std::string_view authorization_header) const;

 private:
  std::vector<Key> keys_;
};

// Equality whose running time depends only on the lengths, never on where inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace onboard::server
