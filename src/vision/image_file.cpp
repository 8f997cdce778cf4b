#include "vision/image_file.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace onboard::vision {

Expected<Image> read_image(const std::string& path) {
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (bgr.empty()) return make_error(ErrorCode::kIo, "cannot read image " + path + " (missing or not an image)");
  Image img;
  img.width = bgr.cols;
  img.height = bgr.rows;
  img.rgb.resize(static_cast<size_t>(img.width) * img.height * 3);
  cv::Mat rgb(img.height, img.width, CV_8UC3, img.rgb.data());
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return img;
}

}  // namespace onboard::vision
