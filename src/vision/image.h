// Frames as the vision layer sees them: 8-bit RGB, row-major, no row padding. Frame sources
// (OpenCV gives BGR) convert once at the edge so models and geometry share one convention.
#pragma once

#include <cstdint>
#include <vector>

namespace onboard::vision {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3 bytes
};

struct Point2 {
  float x = 0, y = 0;
};
struct Point3 {
  float x = 0, y = 0, z = 0;
};

}  // namespace onboard::vision
