// The rotated square regions MediaPipe feeds its models, and sampling them into a model input.
// A region maps model-input pixel p (0..size) to frame pixels:
//   frame = centre + R(rotation) * ((p / size - 0.5) * side).
#pragma once

#include "vision/face_pipeline.h"

namespace onboard::vision {

struct RotatedSquare {
  float cx = 0, cy = 0;  // frame pixels
  float side = 0;        // frame pixels
  float rotation = 0;    // radians; positive turns the crop's x axis towards the frame's +y
  Point2 to_frame(float u, float v) const;  // u, v in [0, 1] of the crop
};

// The whole frame letterboxed into a square (the detector's keep-aspect-ratio input).
RotatedSquare letterbox_region(int width, int height);

// MediaPipe's face-mesh ROI: the detection box's centre, the eye line levelled (right eye ->
// left eye, keypoints 0 and 1), a square of the longer box side scaled by 1.5.
RotatedSquare mesh_region(const FaceDetection& face);

enum class Border { kZero, kReplicate };

// Samples `region` of `frame` bilinearly into size x size RGB floats, value = pixel * scale + offset
// (outside the frame: zero pixels or the nearest edge pixel).
void sample_region(const Image& frame, const RotatedSquare& region, int size, Border border, float scale, float offset,
                   float* out);

}  // namespace onboard::vision
