// What the driver-monitoring rules read from one face: head pose from a rigid fit of
// MediaPipe's canonical face to the 468 landmarks, eye openness (eye aspect ratio) per eye and
// mouth opening (yawns).
#pragma once

#include <array>
#include <span>

#include "dms/canonical_face.h"
#include "vision/image.h"

namespace onboard::dms {

// Degrees, in the camera's frame (x image-right, y up, z toward the camera). With the face
// looking straight into the camera all three are 0. yaw > 0: the face turns toward image-right
// (the driver's left for a camera that does not mirror); pitch > 0: looking up; roll > 0: the
// head tilts counter-clockwise as the camera sees it. Composition R = Ry(yaw) Rx(-pitch) Rz(roll).
struct HeadPose {
  float yaw = 0, pitch = 0, roll = 0;
};

// Rotation that maps the canonical face onto the observed one (row-major 3x3).
using Rotation3 = std::array<float, 9>;
Rotation3 rotation_from_pose(const HeadPose& pose);
HeadPose pose_from_rotation(const Rotation3& r);

// Landmarks as the face mesh gives them: x right, y down in frame pixels, z smaller = nearer the
// camera, in x's units. Fits rotation + scale + translation over the canonical Procrustes basis
// (weighted least squares, Horn's quaternion method), so expressions (mouth, eyelids) move it little.
HeadPose estimate_head_pose(const CanonicalFace& canonical, std::span<const vision::Point3> landmarks);

// The six points of Soukupova & Cech's eye aspect ratio on MediaPipe's mesh: p1/p4 the corners,
// p2/p6 and p3/p5 upper/lower lid pairs.
struct EyeIndices {
  int p1, p2, p3, p4, p5, p6;
};
inline constexpr EyeIndices kRightEye{33, 160, 158, 133, 153, 144};   // the driver's right eye
inline constexpr EyeIndices kLeftEye{362, 385, 387, 263, 373, 380};
// Inner-lip midpoints (upper 13, lower 14) and the mouth corners (78, 308).
inline constexpr int kUpperLip = 13, kLowerLip = 14, kMouthRight = 78, kMouthLeft = 308;

// EAR = (|p2-p6| + |p3-p5|) / (2 |p1-p4|), in the image plane (x, y): about 0.3 open, near 0
// closed. 0 when the corners coincide (a degenerate face).
float eye_aspect_ratio(std::span<const vision::Point3> landmarks, const EyeIndices& eye);
// Inner-lip gap over mouth width: near 0 closed, above ~0.6 for a yawn.
float mouth_opening(std::span<const vision::Point3> landmarks);

struct FaceMeasures {
  HeadPose pose;
  float ear_left = 0, ear_right = 0;
  float mouth = 0;
};
FaceMeasures measure_face(const CanonicalFace& canonical, std::span<const vision::Point3> landmarks);

}  // namespace onboard::dms
