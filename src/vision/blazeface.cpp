#include "vision/blazeface.h"

#include <algorithm>
#include <cmath>

namespace onboard::vision {

std::vector<Anchor> blazeface_short_range_anchors() {
  // SsdAnchorsCalculator with num_layers 4, strides {8, 16, 16, 16}, one aspect ratio and
  // interpolated scales, fixed anchor size: two anchors per cell per layer, layers of equal
  // stride share cells (8x8 cells x 6 anchors), giving 16*16*2 + 8*8*6 = 896.
  const int strides[] = {8, 16, 16, 16};
  const int n_layers = 4, input = 128;
  std::vector<Anchor> anchors;
  anchors.reserve(896);
  int layer = 0;
  while (layer < n_layers) {
    int per_cell = 0, last = layer;
    while (last < n_layers && strides[last] == strides[layer]) {
      per_cell += 2;
      ++last;
    }
    const int cells = (input + strides[layer] - 1) / strides[layer];
    for (int y = 0; y < cells; ++y)
      for (int x = 0; x < cells; ++x)
        for (int k = 0; k < per_cell; ++k)
          anchors.push_back({(static_cast<float>(x) + 0.5f) / static_cast<float>(cells),
                             (static_cast<float>(y) + 0.5f) / static_cast<float>(cells)});
    layer = last;
  }
  return anchors;
}

void decode_blazeface(const float* reg, const float* scores, const std::vector<Anchor>& anchors,
                      const BlazeFaceOptions& options, std::vector<RawDetection>& candidates,
                      std::vector<RawDetection>& out) {
  constexpr float kScale = 128.0f;  // x/y/w/h scale of the short-range model
  candidates.clear();
  for (size_t i = 0; i < anchors.size(); ++i) {
    const float logit = std::clamp(scores[i], -100.0f, 100.0f);
    const float score = 1.0f / (1.0f + std::exp(-logit));
    if (score < options.min_score) continue;
    const float* r = reg + i * 16;
    const Anchor& a = anchors[i];
    const float cx = r[0] / kScale + a.x, cy = r[1] / kScale + a.y;
    const float w = r[2] / kScale, h = r[3] / kScale;
    RawDetection d;
    d.x0 = cx - w / 2;
    d.y0 = cy - h / 2;
    d.x1 = cx + w / 2;
    d.y1 = cy + h / 2;
    d.score = score;
    for (int k = 0; k < 6; ++k) d.keypoints[k] = {r[4 + 2 * k] / kScale + a.x, r[5 + 2 * k] / kScale + a.y};
    candidates.push_back(d);
  }
  weighted_nms(candidates, options.min_suppression_iou, out);
}

float iou(const RawDetection& a, const RawDetection& b) {
  const float ix = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const float iy = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (ix <= 0 || iy <= 0) return 0.0f;
  const float inter = ix * iy;
  const float uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

void weighted_nms(std::vector<RawDetection>& remaining, float min_iou, std::vector<RawDetection>& out) {
  out.clear();
  // Stable insertion sort, best first: candidates are few, and std::stable_sort would allocate.
  for (size_t i = 1; i < remaining.size(); ++i) {
    const RawDetection d = remaining[i];
    size_t j = i;
    for (; j > 0 && remaining[j - 1].score < d.score; --j) remaining[j] = remaining[j - 1];
    remaining[j] = d;
  }
  // Mark-and-compact in place: no allocation once `remaining` has its capacity.
  size_t n = remaining.size();
  while (n > 0) {
    const RawDetection best = remaining[0];
    RawDetection sum{};
    float total = 0;
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      const RawDetection& d = remaining[i];
      if (i == 0 || iou(best, d) > min_iou) {
        total += d.score;
        sum.x0 += d.x0 * d.score;
        sum.y0 += d.y0 * d.score;
        sum.x1 += d.x1 * d.score;
        sum.y1 += d.y1 * d.score;
        for (int k = 0; k < 6; ++k) {
          sum.keypoints[k].x += d.keypoints[k].x * d.score;
          sum.keypoints[k].y += d.keypoints[k].y * d.score;
        }
      } else {
        remaining[kept++] = d;
      }
    }
    RawDetection merged = best;
    merged.x0 = sum.x0 / total;
    merged.y0 = sum.y0 / total;
    merged.x1 = sum.x1 / total;
    merged.y1 = sum.y1 / total;
    for (int k = 0; k < 6; ++k) merged.keypoints[k] = {sum.keypoints[k].x / total, sum.keypoints[k].y / total};
    out.push_back(merged);
    n = kept;
  }
}

}  // namespace onboard::vision
