#include "vision/face_crop.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

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
                   std::vector<uint8_t>& staging, float* out) {
  // Inverse map (crop pixel index -> frame pixel index) for warpAffine. Pixel centres sit at
  // index + 0.5 in the continuous coordinates of RotatedSquare (as GPU texture sampling does).
  const double k = region.side / static_cast<double>(size);
  const double c = std::cos(region.rotation) * k, s = std::sin(region.rotation) * k;
  const Point2 origin = region.to_frame(0, 0);
  const cv::Matx23d m(c, -s, origin.x + 0.5 * (c - s) - 0.5, s, c, origin.y + 0.5 * (s + c) - 0.5);
  staging.resize(static_cast<size_t>(size) * size * 3);
  const cv::Mat src(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.rgb.data()));
  cv::Mat dst(size, size, CV_8UC3, staging.data());
  cv::warpAffine(src, dst, m, dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 border == Border::kZero ? cv::BORDER_CONSTANT : cv::BORDER_REPLICATE, cv::Scalar());
  for (size_t i = 0; i < staging.size(); ++i) out[i] = static_cast<float>(staging[i]) * scale + offset;
}

}  // namespace onboard::vision
