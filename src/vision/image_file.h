// Reading a still image (PNG, JPEG, ...) into the vision layer's RGB Image, through OpenCV.
#pragma once

#include <string>

#include "core/status.h"
#include "vision/image.h"

namespace onboard::vision {

Expected<Image> read_image(const std::string& path);

}  // namespace onboard::vision
