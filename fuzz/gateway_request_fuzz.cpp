// Fuzz target: arbitrary bytes as a request body -> classification, redaction, the egress
// check. Must not crash or hang; restoring a redacted text must give the text back
// (coordinates kept as they are).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/egress.h"
#include "gateway/redaction.h"
#include "gateway/request_classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onboard::gateway;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)Egress::check(bytes, EgressGuard{});
  const auto body = nlohmann::ordered_json::parse(bytes, nullptr, false);
  if (!body.is_discarded()) (void)classify(body, bytes.substr(0, 64));
  // Text as it would come out of a parsed request: valid UTF-8 only.
  const auto text = nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Reidentifier table(-1);
  const std::string redacted = table.redact(text);
  if (table.restore(redacted) != text) std::abort();
  return 0;
}
