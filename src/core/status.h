// Error values that cross module boundaries: a message naming what is wrong and where.
// No exceptions leave library code; functions that can fail return Expected<T> or Status.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace onboard {

enum class ErrorCode {
  kInvalidArgument = 1,  // caller passed something malformed
  kNotFound,             // file, key, tensor or model missing
  kCorrupt,              // a file violates its format
  kUnsupported,          // valid but not handled (unknown type, architecture)
  kOutOfRange,           // context full, index past an end
  kIo,                   // the OS refused (open, mmap, read)
  kCancelled,
  kInternal,
  kUnavailable,       // a service or provider is not there right now (KUKSA: no actuator provider)
  kPermissionDenied,  // the caller may not do this (KUKSA: token scope)
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// A value or an Error (std::expected arrives in C++23; g++ 12 lacks it).
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Expected(Error error) : v_(std::move(error)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace onboard

// Propagate an error from an Expected/Status expression.
#define ONBOARD_TRY(expr)                          \
  do {                                             \
    auto&& onboard_try_ = (expr);                  \
    if (!onboard_try_.ok()) return onboard_try_.error(); \
  } while (0)

#define ONBOARD_CONCAT_INNER(a, b) a##b
#define ONBOARD_CONCAT(a, b) ONBOARD_CONCAT_INNER(a, b)
// Assign the value of an Expected or return its error.
#define ONBOARD_ASSIGN_OR_RETURN(lhs, expr)                               \
  auto ONBOARD_CONCAT(onboard_tmp_, __LINE__) = (expr);                  \
  if (!ONBOARD_CONCAT(onboard_tmp_, __LINE__).ok())                      \
    return ONBOARD_CONCAT(onboard_tmp_, __LINE__).error();               \
  lhs = std::move(ONBOARD_CONCAT(onboard_tmp_, __LINE__)).value()
