// The DMS thresholds file from arbitrary text: refused with a message, or a config that passes
// its own validation (so no loaded config can push a warning past its legal deadline).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dms/dms_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = onboard::dms::DmsConfig::from_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (c.ok() && !c->validate().ok()) std::abort();
  if (!c.ok() && c.error().message.empty()) std::abort();
  return 0;
}
