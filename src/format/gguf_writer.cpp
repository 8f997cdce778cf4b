#include "format/gguf_writer.h"

#include <cstdio>
#include <cstring>
#include <memory>

namespace onboard::gguf {
namespace {

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));  // resize+memcpy: g++ 12 misreports insert() into an empty vector
  std::memcpy(out.data() + at, &v, sizeof(T));
}

void put_string(std::vector<uint8_t>& out, std::string_view s) {
  put<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

std::vector<uint8_t> tagged(ValueType t) {
  std::vector<uint8_t> out;
  put<uint32_t>(out, static_cast<uint32_t>(t));
  return out;
}

size_t elem_size(ValueType t) {
  switch (t) {
    case ValueType::UINT8: case ValueType::INT8: case ValueType::BOOL: return 1;
    case ValueType::UINT16: case ValueType::INT16: return 2;
    case ValueType::UINT32: case ValueType::INT32: case ValueType::FLOAT32: return 4;
    default: return 8;
  }
}

}  // namespace

void GgufWriter::set_alignment(uint32_t alignment) { alignment_ = alignment; }

void GgufWriter::add_raw(std::string_view key, std::vector<uint8_t> encoded) {
  for (auto& kv : kv_)
    if (kv.key == key) {
      kv.encoded = std::move(encoded);
      return;
    }
  kv_.push_back({std::string(key), std::move(encoded)});
}

bool GgufWriter::has_key(std::string_view key) const {
  for (const auto& kv : kv_)
    if (kv.key == key) return true;
  return false;
}

void GgufWriter::add_string(std::string_view key, std::string_view value) {
  auto e = tagged(ValueType::STRING);
  put_string(e, value);
  add_raw(key, std::move(e));
}
void GgufWriter::add_bool(std::string_view key, bool value) {
  auto e = tagged(ValueType::BOOL);
  put<uint8_t>(e, value ? 1 : 0);
  add_raw(key, std::move(e));
}
void GgufWriter::add_u32(std::string_view key, uint32_t value) {
  auto e = tagged(ValueType::UINT32);
  put(e, value);
  add_raw(key, std::move(e));
}
void GgufWriter::add_i32(std::string_view key, int32_t value) {
  auto e = tagged(ValueType::INT32);
  put(e, value);
  add_raw(key, std::move(e));
}
void GgufWriter::add_u64(std::string_view key, uint64_t value) {
  auto e = tagged(ValueType::UINT64);
  put(e, value);
  add_raw(key, std::move(e));
}
void GgufWriter::add_f32(std::string_view key, float value) {
  auto e = tagged(ValueType::FLOAT32);
  put(e, value);
  add_raw(key, std::move(e));
}
void GgufWriter::add_string_array(std::string_view key, const std::vector<std::string>& values) {
  auto e = tagged(ValueType::ARRAY);
  put<uint32_t>(e, static_cast<uint32_t>(ValueType::STRING));
  put<uint64_t>(e, values.size());
  for (const auto& s : values) put_string(e, s);
  add_raw(key, std::move(e));
}
void GgufWriter::add_i32_array(std::string_view key, const std::vector<int32_t>& values) {
  auto e = tagged(ValueType::ARRAY);
  put<uint32_t>(e, static_cast<uint32_t>(ValueType::INT32));
  put<uint64_t>(e, values.size());
  for (int32_t v : values) put(e, v);
  add_raw(key, std::move(e));
}
void GgufWriter::add_f32_array(std::string_view key, const std::vector<float>& values) {
  auto e = tagged(ValueType::ARRAY);
  put<uint32_t>(e, static_cast<uint32_t>(ValueType::FLOAT32));
  put<uint64_t>(e, values.size());
  for (float v : values) put(e, v);
  add_raw(key, std::move(e));
}

void GgufWriter::add_value(std::string_view key, const Value& v) {
  auto e = tagged(v.type);
  switch (v.type) {
    case ValueType::STRING: put_string(e, v.str); break;
    case ValueType::ARRAY:
      put<uint32_t>(e, static_cast<uint32_t>(v.elem_type));
      put<uint64_t>(e, v.count);
      if (v.elem_type == ValueType::STRING) {
        for (auto s : v.strings) put_string(e, s);
      } else {
        e.insert(e.end(), v.raw, v.raw + v.count * elem_size(v.elem_type));
      }
      break;
    case ValueType::FLOAT32: put<float>(e, static_cast<float>(v.f)); break;
    case ValueType::FLOAT64: put<double>(e, v.f); break;
    case ValueType::BOOL: put<uint8_t>(e, v.b); break;
    default: {
      uint64_t u = v.u;
      const auto* p = reinterpret_cast<const uint8_t*>(&u);
      e.insert(e.end(), p, p + elem_size(v.type));
    }
  }
  add_raw(key, std::move(e));
}

Status GgufWriter::add_tensor(std::string_view name, GgmlType type, std::vector<int64_t> ne, Fill fill) {
  if (ne.empty() || ne.size() > 4) return make_error(ErrorCode::kInvalidArgument, "tensor '" + std::string(name) + "': 1..4 dimensions");
  const auto& tr = traits(type);
  if (ne[0] % tr.block_size)
    return make_error(ErrorCode::kInvalidArgument, "tensor '" + std::string(name) + "': row length " + std::to_string(ne[0]) +
                                                       " is not a multiple of the " + std::string(tr.name) + " block size");
  int64_t n = 1;
  for (int64_t d : ne) n *= d;
  tensors_.push_back({std::string(name), type, std::move(ne), static_cast<uint64_t>(n / tr.block_size) * tr.type_size, std::move(fill)});
  return Status::Ok();
}

Status GgufWriter::add_tensor(std::string_view name, GgmlType type, std::vector<int64_t> ne, std::vector<uint8_t> data) {
  auto shared = std::make_shared<std::vector<uint8_t>>(std::move(data));
  const std::string n(name);
  return add_tensor(name, type, std::move(ne), [shared, n](std::span<uint8_t> dst) -> Status {
    if (dst.size() != shared->size())
      return make_error(ErrorCode::kInvalidArgument, "tensor '" + n + "': " + std::to_string(shared->size()) +
                                                         " bytes given, " + std::to_string(dst.size()) + " needed");
    std::memcpy(dst.data(), shared->data(), dst.size());
    return Status::Ok();
  });
}

std::vector<uint8_t> GgufWriter::header(std::vector<uint64_t>& offsets, uint64_t& data_start) const {
  std::vector<uint8_t> h;
  put<uint32_t>(h, 0x46554747);
  put<uint32_t>(h, 3);
  put<uint64_t>(h, tensors_.size());
  const bool write_alignment = alignment_ != 32 && !has_key("general.alignment");
  put<uint64_t>(h, kv_.size() + (write_alignment ? 1 : 0));
  for (const auto& kv : kv_) {
    put_string(h, kv.key);
    h.insert(h.end(), kv.encoded.begin(), kv.encoded.end());
  }
  if (write_alignment) {
    put_string(h, "general.alignment");
    put<uint32_t>(h, static_cast<uint32_t>(ValueType::UINT32));
    put<uint32_t>(h, alignment_);
  }
  uint64_t off = 0;
  offsets.clear();
  for (const auto& t : tensors_) {
    put_string(h, t.name);
    put<uint32_t>(h, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) put<int64_t>(h, d);
    put<uint32_t>(h, static_cast<uint32_t>(t.type));
    put<uint64_t>(h, off);
    offsets.push_back(off);
    off += (t.n_bytes + alignment_ - 1) / alignment_ * alignment_;
  }
  data_start = (h.size() + alignment_ - 1) / alignment_ * alignment_;
  h.resize(data_start, 0);
  return h;
}

Status GgufWriter::write(const std::string& path) const {
  std::vector<uint64_t> offsets;
  uint64_t data_start = 0;
  const std::vector<uint8_t> h = header(offsets, data_start);
  const std::string tmp = path + ".tmp";
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!f) return make_error(ErrorCode::kIo, tmp + ": cannot create");
  auto fail = [&](const std::string& what) {
    f.reset();
    std::remove(tmp.c_str());
    return make_error(ErrorCode::kIo, path + ": " + what);
  };
  if (std::fwrite(h.data(), 1, h.size(), f.get()) != h.size()) return fail("write failed (disk full?)");
  std::vector<uint8_t> buf;
  for (const auto& t : tensors_) {
    const uint64_t padded = (t.n_bytes + alignment_ - 1) / alignment_ * alignment_;
    buf.assign(padded, 0);
    Status st = t.fill(std::span<uint8_t>(buf.data(), t.n_bytes));
    if (!st.ok()) {
      f.reset();
      std::remove(tmp.c_str());
      return st;
    }
    if (std::fwrite(buf.data(), 1, padded, f.get()) != padded) return fail("write failed (disk full?)");
  }
  if (std::fflush(f.get()) != 0) return fail("flush failed");
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return make_error(ErrorCode::kIo, path + ": rename failed");
  return Status::Ok();
}

Expected<std::vector<uint8_t>> GgufWriter::write_to_memory() const {
  std::vector<uint64_t> offsets;
  uint64_t data_start = 0;
  std::vector<uint8_t> out = header(offsets, data_start);
  for (const auto& t : tensors_) {
    const uint64_t padded = (t.n_bytes + alignment_ - 1) / alignment_ * alignment_;
    const size_t at = out.size();
    out.resize(at + padded, 0);
    ONBOARD_TRY(t.fill(std::span<uint8_t>(out.data() + at, t.n_bytes)));
  }
  return out;
}

}  // namespace onboard::gguf
