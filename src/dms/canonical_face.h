// MediaPipe's canonical face (the 468-vertex mesh in centimetres and the weighted landmark
// basis its geometry pipeline fits with Procrustes), read from the npm package's packed assets.
// The frame: x to the face's left (image right when the face looks at the camera), y up,
// z out of the face toward the camera.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "vision/image.h"

namespace onboard::dms {

inline constexpr int kFaceMeshPoints = 468;

struct WeightedLandmark {
  int index = 0;
  float weight = 0;
};

struct CanonicalFace {
  std::vector<vision::Point3> vertices;    // kFaceMeshPoints
  std::vector<WeightedLandmark> procrustes_basis;  // the rigid points MediaPipe fits the pose on
};

// Decodes a serialized GeometryPipelineMetadata protobuf (geometry_pipeline_metadata_landmarks.binarypb).
Expected<CanonicalFace> parse_geometry_metadata(const std::string& bytes);

// Reads the metadata out of face_mesh_solution_packed_assets.data, using the byte offsets the
// package's loader script lists (face_mesh_solution_packed_assets_loader.js beside it).
Expected<CanonicalFace> load_canonical_face(const std::string& packed_data_path);

}  // namespace onboard::dms
