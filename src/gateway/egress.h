// The one egress point: the only code that sends bytes to an upstream (cpp-httplib's client).
// Before sending, it checks the final bytes again (a second line of defence behind the
// policy): no raw identifier the redaction replaced, no bytes of a local-only item, no image
// part, no audio part unless the verdict allowed audio, no identifier the detectors still find,
// no precise coordinates unless allowed. A refusal sends nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/privacy_policy.h"

namespace onboard::gateway {

struct EgressGuard {
  std::vector<std::string> forbidden;  // raw identifiers and local-only payloads (base64 included)
  bool audio_allowed = false;
  bool precise_location_allowed = false;
};

struct UpstreamReply {
  int status = 0;
  std::string body;
};

class Egress {
 public:
  // Why `bytes` may not leave, or Ok.
  static Status check(const std::string& bytes, const EgressGuard& guard);

  // POSTs `body` to endpoint.url + path within `timeout_ms` (connect, send and the whole
  // answer). kCancelled on a timeout, kIo when the upstream cannot be reached, kInvalidArgument
  // when check() refuses.
  Expected<UpstreamReply> post(const UpstreamEndpoint& endpoint, const std::string& path, const std::string& body,
                               const EgressGuard& guard, int64_t timeout_ms);

  int64_t sent() const { return sent_.load(); }
  int64_t refused() const { return refused_.load(); }

 private:
  std::atomic<int64_t> sent_{0}, refused_{0};
};

}  // namespace onboard::gateway
