#include "dms/canonical_face.h"

#include "vision/mediapipe_assets.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace onboard::dms {
namespace {

// Just enough of the protobuf wire format for GeometryPipelineMetadata:
//   1: canonical_mesh (Mesh3d: 1 vertex_type, 2 primitive_type, 3 vertex_buffer float, 4 index_buffer)
//   2: procrustes_landmark_basis (1 landmark_id uint32, 2 weight float)   3: input_source enum
class WireReader {
 public:
  WireReader(const char* p, size_t n, std::string what) : p_(p), end_(p + n), what_(std::move(what)) {}
  bool done() const { return p_ >= end_; }
  Expected<uint64_t> varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return error("truncated varint");
      const auto byte = static_cast<uint8_t>(*p_++);
      v |= uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) return v;
    }
    return error("varint longer than 10 bytes");
  }
  Expected<float> fixed32_float() {
    if (end_ - p_ < 4) return error("truncated float");
    float f;
    std::memcpy(&f, p_, 4);
    p_ += 4;
    return f;
  }
  Expected<WireReader> bytes() {
    auto n = varint();
    if (!n) return n.error();
    if (*n > static_cast<uint64_t>(end_ - p_)) return error("length-delimited field past the end");
    WireReader sub(p_, static_cast<size_t>(*n), what_);
    p_ += *n;
    return sub;
  }
  Status skip(int wire_type) {
    switch (wire_type) {
      case 0: { auto v = varint(); if (!v) return v.error(); return Status::Ok(); }
      case 1: if (end_ - p_ < 8) return error("truncated fixed64"); p_ += 8; return Status::Ok();
      case 2: { auto b = bytes(); if (!b) return b.error(); return Status::Ok(); }
      case 5: if (end_ - p_ < 4) return error("truncated fixed32"); p_ += 4; return Status::Ok();
      default: return error("unsupported wire type " + std::to_string(wire_type));
    }
  }
  Error error(const std::string& msg) const {
    return make_error(ErrorCode::kCorrupt, what_ + ": " + msg + " at byte offset " +
                                               std::to_string(consumed()));
  }
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }

 private:
  const char* p_;
  const char* end_;
  const char* begin_ = p_;
  std::string what_;
};

// A repeated float field arrives packed (wire type 2) or one value per tag (wire type 5).
Status read_floats(WireReader& r, int wire_type, std::vector<float>& out) {
  if (wire_type == 5) {
    auto f = r.fixed32_float();
    if (!f) return f.error();
    out.push_back(*f);
    return Status::Ok();
  }
  if (wire_type != 2) return r.error("vertex_buffer with wire type " + std::to_string(wire_type));
  auto packed = r.bytes();
  if (!packed) return packed.error();
  while (!packed->done()) {
    auto f = packed->fixed32_float();
    if (!f) return f.error();
    out.push_back(*f);
  }
  return Status::Ok();
}

Status read_mesh(WireReader r, std::vector<float>& vertex_buffer) {
  while (!r.done()) {
    auto key = r.varint();
    if (!key) return key.error();
    const int field = static_cast<int>(*key >> 3), wire = static_cast<int>(*key & 7);
    if (field == 1 || field == 2) {
      // Only VERTEX_PT (x, y, z, u, v) and TRIANGLE exist; anything else is a newer format.
      auto v = r.varint();
      if (!v) return v.error();
      if (*v != 0) return r.error("Mesh3d field " + std::to_string(field) + " = " + std::to_string(*v) + ", only 0 is known");
    } else if (field == 3) {
      ONBOARD_TRY(read_floats(r, wire, vertex_buffer));
    } else {
      ONBOARD_TRY(r.skip(wire));
    }
  }
  return Status::Ok();
}

Expected<WeightedLandmark> read_weighted_landmark(WireReader r) {
  WeightedLandmark w;
  while (!r.done()) {
    auto key = r.varint();
    if (!key) return key.error();
    const int field = static_cast<int>(*key >> 3), wire = static_cast<int>(*key & 7);
    if (field == 1 && wire == 0) {
      auto v = r.varint();
      if (!v) return v.error();
      if (*v >= kFaceMeshPoints) return r.error("procrustes landmark_id " + std::to_string(*v) + " >= 468");
      w.index = static_cast<int>(*v);
    } else if (field == 2 && wire == 5) {
      auto f = r.fixed32_float();
      if (!f) return f.error();
      w.weight = *f;
    } else {
      ONBOARD_TRY(r.skip(wire));
    }
  }
  return w;
}

}  // namespace

Expected<CanonicalFace> parse_geometry_metadata(const std::string& bytes) {
  WireReader r(bytes.data(), bytes.size(), "geometry pipeline metadata");
  std::vector<float> vertex_buffer;
  CanonicalFace face;
  while (!r.done()) {
    auto key = r.varint();
    if (!key) return key.error();
    const int field = static_cast<int>(*key >> 3), wire = static_cast<int>(*key & 7);
    if (field == 1 && wire == 2) {
      auto mesh = r.bytes();
      if (!mesh) return mesh.error();
      ONBOARD_TRY(read_mesh(*mesh, vertex_buffer));
    } else if (field == 2 && wire == 2) {
      auto sub = r.bytes();
      if (!sub) return sub.error();
      auto w = read_weighted_landmark(*sub);
      if (!w) return w.error();
      face.procrustes_basis.push_back(*w);
    } else {
      ONBOARD_TRY(r.skip(wire));
    }
  }
  constexpr size_t kFloatsPerVertex = 5;  // VERTEX_PT: position then texture coordinate
  if (vertex_buffer.size() != kFaceMeshPoints * kFloatsPerVertex)
    return make_error(ErrorCode::kCorrupt, "geometry pipeline metadata: canonical mesh has " +
                                               std::to_string(vertex_buffer.size()) + " floats, expected 468 x 5");
  if (face.procrustes_basis.size() < 3)
    return make_error(ErrorCode::kCorrupt, "geometry pipeline metadata: procrustes basis has fewer than 3 landmarks");
  face.vertices.resize(kFaceMeshPoints);
  for (int i = 0; i < kFaceMeshPoints; ++i)
    face.vertices[i] = {vertex_buffer[i * kFloatsPerVertex], vertex_buffer[i * kFloatsPerVertex + 1],
                        vertex_buffer[i * kFloatsPerVertex + 2]};
  return face;
}

namespace {

Expected<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Expected<CanonicalFace> load_canonical_face(const std::string& packed_data_path) {
  const std::string suffix = ".data";
  if (packed_data_path.size() <= suffix.size() || packed_data_path.compare(packed_data_path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return make_error(ErrorCode::kInvalidArgument, packed_data_path + ": expected the packed assets file (*.data)");
  const std::string loader_path = vision::packed_assets_loader_path(packed_data_path);
  ONBOARD_ASSIGN_OR_RETURN(std::string js, read_whole_file(loader_path));
  ONBOARD_ASSIGN_OR_RETURN(vision::ByteRange range, vision::packed_asset_range(js, "geometry_pipeline_metadata_landmarks.binarypb"));
  ONBOARD_ASSIGN_OR_RETURN(std::string data, read_whole_file(packed_data_path));
  if (range.start >= range.end || range.end > data.size())
    return make_error(ErrorCode::kCorrupt, loader_path + ": the face geometry spans bytes " + std::to_string(range.start) + ".." +
                                               std::to_string(range.end) + " of a " + std::to_string(data.size()) + "-byte " + packed_data_path);
  return parse_geometry_metadata(data.substr(range.start, range.end - range.start));
}

}  // namespace onboard::dms
