#include "vision/mediapipe_assets.h"

#include <charconv>

namespace onboard::vision {
namespace {

// The unsigned integer after `"key":` at or after `from` (within the same JSON object).
Expected<size_t> number_after(std::string_view text, size_t from, size_t limit, std::string_view key) {
  const size_t k = text.find(key, from);
  if (k == std::string_view::npos || k >= limit)
    return make_error(ErrorCode::kCorrupt, "packed assets loader: no " + std::string(key) + " in the file's entry");
  size_t p = k + key.size();
  while (p < text.size() && (text[p] == ' ' || text[p] == ':' || text[p] == '"')) ++p;
  size_t value = 0;
  const auto r = std::from_chars(text.data() + p, text.data() + text.size(), value);
  if (r.ec != std::errc())
    return make_error(ErrorCode::kCorrupt, "packed assets loader: " + std::string(key) + " is not a number");
  return value;
}

}  // namespace

Expected<ByteRange> packed_asset_range(std::string_view js, std::string_view name) {
  // Entries look like {"filename": "/third_party/.../face_landmark.tflite", "start": N, "end": M}.
  const std::string quoted = "/" + std::string(name) + "\"";
  const size_t at = js.find(quoted);
  if (at == std::string_view::npos)
    return make_error(ErrorCode::kNotFound, "packed assets loader: no entry for " + std::string(name));
  size_t close = js.find('}', at);
  if (close == std::string_view::npos) close = js.size();
  ByteRange r;
  ONBOARD_ASSIGN_OR_RETURN(r.start, number_after(js, at, close, "\"start\""));
  ONBOARD_ASSIGN_OR_RETURN(r.end, number_after(js, at, close, "\"end\""));
  if (r.end <= r.start)
    return make_error(ErrorCode::kCorrupt, "packed assets loader: empty range for " + std::string(name));
  return r;
}

std::string packed_assets_loader_path(const std::string& data_path) {
  const std::string ext = ".data";
  std::string stem = data_path;
  if (stem.size() > ext.size() && stem.compare(stem.size() - ext.size(), ext.size(), ext) == 0)
    stem.resize(stem.size() - ext.size());
  return stem + "_loader.js";
}

}  // namespace onboard::vision
