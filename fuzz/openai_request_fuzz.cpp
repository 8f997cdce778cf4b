// Fuzz target: arbitrary request bodies through parse_request for both endpoints. Parsing
// must never crash or hang; a refusal is an ApiError with status 400 naming what is wrong.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/openai_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  const std::string body(reinterpret_cast<const char*>(data), size);
  for (auto ep : {onboard::server::Endpoint::kChat, onboard::server::Endpoint::kCompletion}) {
    onboard::server::CompletionRequest req;
    onboard::server::ApiError err;
    if (!onboard::server::parse_request(body, ep, req, err) && (err.status != 400 || err.message.empty())) std::abort();
  }
  return 0;
}
