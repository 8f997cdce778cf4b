#include "format/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

namespace onboard::safetensors {
namespace {

using json = nlohmann::json;

// The header is JSON text; 100 MB is the limit the reference implementation enforces.
constexpr uint64_t kMaxHeader = 100'000'000;

Dtype dtype_of(std::string_view name) {
  if (name == "F32") return Dtype::kF32;
  if (name == "F16") return Dtype::kF16;
  if (name == "BF16") return Dtype::kBF16;
  if (name == "F8_E4M3") return Dtype::kF8E4M3;
  return Dtype::kOther;
}

std::string at(uint64_t offset) { return " (byte " + std::to_string(offset) + ")"; }

}  // namespace

size_t dtype_size(std::string_view n) {
  if (n == "BOOL" || n == "U8" || n == "I8" || n == "F8_E4M3" || n == "F8_E5M2") return 1;
  if (n == "I16" || n == "U16" || n == "F16" || n == "BF16") return 2;
  if (n == "I32" || n == "U32" || n == "F32") return 4;
  if (n == "I64" || n == "U64" || n == "F64") return 8;
  return 0;
}

int64_t TensorInfo::n_elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string TensorInfo::shape_string() const {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Expected<SafetensorsFile> SafetensorsFile::parse(std::span<const uint8_t> bytes, std::string name) {
  SafetensorsFile f;
  f.name_ = std::move(name);
  const std::string& n = f.name_;
  if (bytes.size() < 8)
    return make_error(ErrorCode::kCorrupt, n + ": truncated: " + std::to_string(bytes.size()) +
                                               " bytes, shorter than the 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > bytes.size() - 8 || header_len > kMaxHeader)
    return make_error(ErrorCode::kCorrupt, n + ": header length " + std::to_string(header_len) +
                                               " runs past the end of the " + std::to_string(bytes.size()) +
                                               "-byte file" + at(0));
  f.data_offset_ = 8 + header_len;
  const uint64_t data_size = bytes.size() - f.data_offset_;
  const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
  json h = json::parse(text, text + header_len, nullptr, /*allow_exceptions=*/false);
  if (h.is_discarded() || !h.is_object())
    return make_error(ErrorCode::kCorrupt, n + ": header is not a JSON object" + at(8));

  for (auto it = h.begin(); it != h.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "__metadata__") {
      if (!v.is_object()) return make_error(ErrorCode::kCorrupt, n + ": __metadata__ is not an object" + at(8));
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          return make_error(ErrorCode::kCorrupt, n + ": __metadata__ value '" + m.key() + "' is not a string" + at(8));
        f.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string& what) {
      return make_error(ErrorCode::kCorrupt, n + ": tensor '" + key + "': " + what + at(8));
    };
    if (!v.is_object()) return bad("entry is not an object");
    if (!v.contains("dtype") || !v["dtype"].is_string()) return bad("no dtype string");
    if (!v.contains("shape") || !v["shape"].is_array()) return bad("no shape array");
    if (!v.contains("data_offsets") || !v["data_offsets"].is_array() || v["data_offsets"].size() != 2 ||
        !v["data_offsets"][0].is_number_unsigned() || !v["data_offsets"][1].is_number_unsigned())
      return bad("data_offsets is not a pair of unsigned integers");
    TensorInfo t;
    t.name = key;
    t.dtype_name = v["dtype"].get<std::string>();
    t.dtype = dtype_of(t.dtype_name);
    const size_t esize = dtype_size(t.dtype_name);
    if (esize == 0) return bad("unknown dtype '" + t.dtype_name + "'");
    uint64_t count = 1;
    for (const json& d : v["shape"]) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t{1} << 40))
        return bad("shape " + v["shape"].dump() + " has a negative, non-integer or implausible dimension");
      const uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && count > (uint64_t{1} << 62) / dim) return bad("shape " + v["shape"].dump() + " overflows");
      count *= dim;
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    const uint64_t begin = v["data_offsets"][0].get<uint64_t>(), end = v["data_offsets"][1].get<uint64_t>();
    if (begin > end) return bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] are reversed");
    if (end > data_size)
      return make_error(ErrorCode::kCorrupt, n + ": tensor '" + key + "': data_offsets end " + std::to_string(end) +
                                                 " is past the " + std::to_string(data_size) +
                                                 "-byte data section" + at(f.data_offset_ + begin));
    if (count > (uint64_t{1} << 62) / esize || count * esize != end - begin)
      return make_error(ErrorCode::kCorrupt, n + ": tensor '" + key + "': shape " + t.shape_string() + " of " +
                                                 t.dtype_name + " needs " + std::to_string(count * esize) +
                                                 " bytes but data_offsets span " + std::to_string(end - begin) +
                                                 at(f.data_offset_ + begin));
    t.offset = f.data_offset_ + begin;
    t.n_bytes = end - begin;
    t.data = bytes.data() + t.offset;
    f.tensors_.push_back(std::move(t));
  }

  std::vector<const TensorInfo*> by_offset;
  for (const auto& t : f.tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return a->offset != b->offset ? a->offset < b->offset : a->n_bytes < b->n_bytes;
  });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const TensorInfo* prev = by_offset[i - 1];
    const TensorInfo* cur = by_offset[i];
    if (cur->offset < prev->offset + prev->n_bytes)
      return make_error(ErrorCode::kCorrupt, n + ": tensor '" + cur->name + "' overlaps tensor '" + prev->name + "'" +
                                                 at(cur->offset));
  }
  for (size_t i = 0; i < f.tensors_.size(); ++i) f.index_[f.tensors_[i].name] = i;
  return f;
}

Expected<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  ONBOARD_ASSIGN_OR_RETURN(MappedFile m, MappedFile::open(path));
  auto shared = std::make_shared<MappedFile>(std::move(m));
  ONBOARD_ASSIGN_OR_RETURN(SafetensorsFile f, parse(shared->bytes(), path));
  f.map_ = std::move(shared);
  return f;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace onboard::safetensors
