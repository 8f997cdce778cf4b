#include "vision/face_crop.h"

#include <algorithm>
#include <cmath>

namespace onboard::vision {

Point2 RotatedSquare::to_frame(float u, float v) const {
  const float x = (u - 0.5f) * side, y = (v - 0.5f) * side;
  const float c = std::cos(rotation), s = std::sin(rotation);
  return {cx + c * x - s * y, cy + s * x + c * y};
}

RotatedSquare letterbox_region(int width, int height) {
  return {width / 2.0f, height / 2.0f, static_cast<float>(std::max(width, height)), 0.0f};
}

RotatedSquare mesh_region(const FaceDetection& face) {
  constexpr float kScale = 1.5f;
  const Point2 r = face.keypoints[0], l = face.keypoints[1];
  // MediaPipe: rotation = target (0) - atan2(-(y_end - y_start), x_end - x_start), in (-pi, pi].
  float rotation = -std::atan2(-(l.y - r.y), l.x - r.x);
  constexpr float kPi = 3.14159265358979f;
  rotation = rotation - 2 * kPi * std::floor((rotation + kPi) / (2 * kPi));
  const float w = face.x1 - face.x0, h = face.y1 - face.y0;
  return {(face.x0 + face.x1) / 2, (face.y0 + face.y1) / 2, std::max(w, h) * kScale, rotation};
}

void sample_region(const Image& frame, const RotatedSquare& region, int size, Border border, float scale, float offset,
                   float* out) {
  // Crop pixel index -> frame pixel index. Pixel centres sit at index + 0.5 in the continuous
  // coordinates of RotatedSquare (as GPU texture sampling does); bilinear in float, like a GPU.
  const float k = region.side / static_cast<float>(size);
  const float c = std::cos(region.rotation) * k, s = std::sin(region.rotation) * k;
  const Point2 origin = region.to_frame(0, 0);
  const float bx = origin.x + 0.5f * (c - s) - 0.5f, by = origin.y + 0.5f * (s + c) - 0.5f;
  const int w = frame.width, h = frame.height;
  const uint8_t* px = frame.rgb.data();
  for (int v = 0; v < size; ++v) {
    for (int u = 0; u < size; ++u) {
      const float x = c * static_cast<float>(u) - s * static_cast<float>(v) + bx;
      const float y = s * static_cast<float>(u) + c * static_cast<float>(v) + by;
      const float xf = std::floor(x), yf = std::floor(y);
      const float fx = x - xf, fy = y - yf;
      const int x0 = static_cast<int>(xf), y0 = static_cast<int>(yf);
      float rgb[3] = {0, 0, 0};
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          int xi = x0 + dx, yi = y0 + dy;
          const float wgt = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
          if (xi < 0 || xi >= w || yi < 0 || yi >= h) {
            if (border == Border::kZero) continue;
            xi = std::clamp(xi, 0, w - 1);
            yi = std::clamp(yi, 0, h - 1);
          }
          const uint8_t* p = px + (static_cast<size_t>(yi) * w + xi) * 3;
          rgb[0] += wgt * p[0];
          rgb[1] += wgt * p[1];
          rgb[2] += wgt * p[2];
        }
      float* o = out + (static_cast<size_t>(v) * size + u) * 3;
      for (int ch = 0; ch < 3; ++ch) o[ch] = rgb[ch] * scale + offset;
    }
  }
}

}  // namespace onboard::vision
