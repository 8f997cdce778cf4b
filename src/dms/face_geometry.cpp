#include "dms/face_geometry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace onboard::dms {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

struct Vec3 {
  double x = 0, y = 0, z = 0;
};

// Landmark convention (y down, z away from the camera) to the canonical frame (y up, z toward
// the camera): a rotation by 180 degrees about x, so handedness is kept.
Vec3 to_canonical_frame(const vision::Point3& p) { return {p.x, -p.y, -p.z}; }

// Eigenvector of the largest eigenvalue of a symmetric 4x4 matrix (cyclic Jacobi).
std::array<double, 4> dominant_eigenvector(std::array<std::array<double, 4>, 4> a) {
  std::array<std::array<double, 4>, 4> v{};
  for (int i = 0; i < 4; ++i) v[i][i] = 1;
  for (int sweep = 0; sweep < 50; ++sweep) {
    double off = 0;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 4; ++k) {  // A <- A J (columns p, q)
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 4; ++k) {  // A <- J^T A (rows p, q)
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 4; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  int best = 0;
  for (int i = 1; i < 4; ++i)
    if (a[i][i] > a[best][best]) best = i;
  return {v[0][best], v[1][best], v[2][best], v[3][best]};
}

double dist2d(const vision::Point3& a, const vision::Point3& b) { return std::hypot(double{a.x} - b.x, double{a.y} - b.y); }

}  // namespace

Rotation3 rotation_from_pose(const HeadPose& pose) {
  const double y = pose.yaw * kDeg, p = -pose.pitch * kDeg, r = pose.roll * kDeg;
  const double cy = std::cos(y), sy = std::sin(y), cp = std::cos(p), sp = std::sin(p), cr = std::cos(r), sr = std::sin(r);
  // Ry(y) * Rx(p) * Rz(r)
  const double m[9] = {cy * cr + sy * sp * sr, -cy * sr + sy * sp * cr, sy * cp,
                       cp * sr,                cp * cr,                 -sp,
                       -sy * cr + cy * sp * sr, sy * sr + cy * sp * cr, cy * cp};
  Rotation3 out;
  for (int i = 0; i < 9; ++i) out[i] = static_cast<float>(m[i]);
  return out;
}

HeadPose pose_from_rotation(const Rotation3& r) {
  // Column 2 is where the face's forward axis points; row 1 carries Rx(p) Rz(r)'s roll.
  const double pitch = std::asin(std::clamp(double{r[5]}, -1.0, 1.0));  // r12 = -sin(p) = sin(pitch)
  const double yaw = std::atan2(double{r[2]}, double{r[8]});
  const double roll = std::atan2(double{r[3]}, double{r[4]});
  return {static_cast<float>(yaw / kDeg), static_cast<float>(pitch / kDeg), static_cast<float>(roll / kDeg)};
}

HeadPose estimate_head_pose(const CanonicalFace& canonical, std::span<const vision::Point3> landmarks) {
  assert(landmarks.size() >= static_cast<size_t>(kFaceMeshPoints));
  // Weighted centroids, then the cross-covariance S = sum w a b^T of the centred point sets.
  Vec3 ca, cb;
  double wsum = 0;
  for (const auto& [i, w] : canonical.procrustes_basis) {
    const auto& a = canonical.vertices[i];
    const Vec3 b = to_canonical_frame(landmarks[i]);
    ca.x += w * a.x; ca.y += w * a.y; ca.z += w * a.z;
    cb.x += w * b.x; cb.y += w * b.y; cb.z += w * b.z;
    wsum += w;
  }
  if (wsum <= 0) return {};
  ca = {ca.x / wsum, ca.y / wsum, ca.z / wsum};
  cb = {cb.x / wsum, cb.y / wsum, cb.z / wsum};
  double s[3][3] = {};
  for (const auto& [i, w] : canonical.procrustes_basis) {
    const auto& av = canonical.vertices[i];
    const Vec3 bv = to_canonical_frame(landmarks[i]);
    const double a[3] = {av.x - ca.x, av.y - ca.y, av.z - ca.z};
    const double b[3] = {bv.x - cb.x, bv.y - cb.y, bv.z - cb.z};
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) s[r][c] += w * a[r] * b[c];
  }
  // Horn (1987): the unit quaternion of the best rotation is the dominant eigenvector of N.
  const double sxx = s[0][0], sxy = s[0][1], sxz = s[0][2], syx = s[1][0], syy = s[1][1], syz = s[1][2],
               szx = s[2][0], szy = s[2][1], szz = s[2][2];
  const std::array<std::array<double, 4>, 4> n = {{
      {sxx + syy + szz, syz - szy, szx - sxz, sxy - syx},
      {syz - szy, sxx - syy - szz, sxy + syx, szx + sxz},
      {szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy},
      {sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz},
  }};
  const auto q = dominant_eigenvector(n);
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  const Rotation3 rot = {
      static_cast<float>(w * w + x * x - y * y - z * z), static_cast<float>(2 * (x * y - w * z)), static_cast<float>(2 * (x * z + w * y)),
      static_cast<float>(2 * (x * y + w * z)), static_cast<float>(w * w - x * x + y * y - z * z), static_cast<float>(2 * (y * z - w * x)),
      static_cast<float>(2 * (x * z - w * y)), static_cast<float>(2 * (y * z + w * x)), static_cast<float>(w * w - x * x - y * y + z * z)};
  return pose_from_rotation(rot);
}

float eye_aspect_ratio(std::span<const vision::Point3> landmarks, const EyeIndices& eye) {
  const double width = dist2d(landmarks[eye.p1], landmarks[eye.p4]);
  if (width <= 1e-9) return 0;
  return static_cast<float>((dist2d(landmarks[eye.p2], landmarks[eye.p6]) + dist2d(landmarks[eye.p3], landmarks[eye.p5])) / (2 * width));
}

float mouth_opening(std::span<const vision::Point3> landmarks) {
  const double width = dist2d(landmarks[kMouthRight], landmarks[kMouthLeft]);
  if (width <= 1e-9) return 0;
  return static_cast<float>(dist2d(landmarks[kUpperLip], landmarks[kLowerLip]) / width);
}

FaceMeasures measure_face(const CanonicalFace& canonical, std::span<const vision::Point3> landmarks) {
  FaceMeasures m;
  m.pose = estimate_head_pose(canonical, landmarks);
  m.ear_left = eye_aspect_ratio(landmarks, kLeftEye);
  m.ear_right = eye_aspect_ratio(landmarks, kRightEye);
  m.mouth = mouth_opening(landmarks);
  return m;
}

}  // namespace onboard::dms
