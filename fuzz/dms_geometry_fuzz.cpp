// MediaPipe's face geometry metadata (protobuf wire format) from arbitrary bytes: a clean error
// or a face with exactly 468 vertices and in-range basis indices; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dms/canonical_face.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto face = onboard::dms::parse_geometry_metadata(std::string(reinterpret_cast<const char*>(data), size));
  if (face.ok()) {
    if (face->vertices.size() != 468) std::abort();
    for (const auto& w : face->procrustes_basis)
      if (w.index < 0 || w.index >= 468) std::abort();
  } else if (face.error().message.empty()) {
    std::abort();
  }
  return 0;
}
