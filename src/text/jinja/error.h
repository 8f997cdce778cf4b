// Internal error type of the Jinja interpreter. Thrown inside src/text/jinja only and
// converted to onboard::Error (with line:column) at the ChatTemplate boundary.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace onboard::jinja {

constexpr uint32_t kNoPos = 0xFFFFFFFFu;

struct JinjaError {
  std::string message;
  uint32_t pos = kNoPos;  // byte offset in the original template source
  bool limit = false;     // a resource limit (depth, steps, size) rather than a template error
};

[[noreturn]] inline void fail(std::string message, uint32_t pos = kNoPos) {
  throw JinjaError{std::move(message), pos, false};
}
[[noreturn]] inline void fail_limit(std::string message, uint32_t pos = kNoPos) {
  throw JinjaError{std::move(message), pos, true};
}

}  // namespace onboard::jinja
