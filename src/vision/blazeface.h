// BlazeFace short-range post-processing as MediaPipe configures it: SSD anchors (4 layers,
// strides 8/16/16/16, fixed size, 896 anchors), box and keypoint decoding (scale 128), sigmoid
// scores clipped at +-100, threshold 0.5, and weighted non-max suppression (IoU 0.3).
#pragma once

#include <array>
#include <vector>

#include "vision/image.h"

namespace onboard::vision {

struct Anchor {
  float x = 0, y = 0;  // centre in [0, 1] of the 128x128 input
};

// Coordinates normalized to the detector input ([0, 1]).
struct RawDetection {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float score = 0;
  std::array<Point2, 6> keypoints{};
};

struct BlazeFaceOptions {
  float min_score = 0.5f;
  float min_suppression_iou = 0.3f;
};

std::vector<Anchor> blazeface_short_range_anchors();

// regressors: [anchors][16] (x, y, w, h, then 6 keypoints x, y); scores: [anchors] logits.
// Appends to `out` (cleared first); `scratch` keeps its capacity between frames.
void decode_blazeface(const float* regressors, const float* scores, const std::vector<Anchor>& anchors,
                      const BlazeFaceOptions& options, std::vector<RawDetection>& candidates,
                      std::vector<RawDetection>& out);

float iou(const RawDetection& a, const RawDetection& b);

// MediaPipe's WEIGHTED algorithm: best first; each kept box is the score-weighted mean of the
// boxes overlapping it by more than the threshold; its score stays the best one's.
void weighted_nms(std::vector<RawDetection>& candidates, float min_iou, std::vector<RawDetection>& out);

}  // namespace onboard::vision
