// The C ABI's error channel (onboard_last_error) and exception guard, shared by every library
// that exports C entry points (the engine's c_api.cpp, the cockpit's cockpit_c_api.cpp).
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include "core/status.h"
#include "onboard/onboard.h"

namespace onboard::api {

onboard_status to_status(ErrorCode c);
void clear_last_error();
onboard_status fail(onboard_status s, std::string message);  // sets onboard_last_error()
const char* last_error();
inline onboard_status fail(const Error& e) { return fail(to_status(e.code), e.message); }

// Runs fn, turning any exception into a status: no C++ exception crosses the C ABI.
template <typename Fn>
onboard_status guarded(Fn&& fn) {
  try {
    clear_last_error();
    return fn();
  } catch (const std::bad_alloc&) {
    return fail(ONBOARD_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(ONBOARD_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(ONBOARD_ERR_INTERNAL, "internal error");
  }
}

}  // namespace onboard::api
