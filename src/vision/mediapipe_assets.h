// MediaPipe's web solutions pack their model files into one `*_packed_assets.data` blob; the
// sibling `*_packed_assets_loader.js` lists each file's byte range. This finds a model inside.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace onboard::vision {

struct ByteRange {
  size_t start = 0, end = 0;
};

// The range of the entry whose "filename" ends with `name` in the loader script's metadata.
Expected<ByteRange> packed_asset_range(std::string_view loader_js, std::string_view name);

// `<dir>/<stem>.data` -> `<dir>/<stem>_loader.js`.
std::string packed_assets_loader_path(const std::string& data_path);

}  // namespace onboard::vision
