#include "format/gguf.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_set>

namespace onboard::gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr uint64_t kMaxStringLength = uint64_t{1} << 30;
constexpr size_t kMaxTensorName = 64;  // GGML_MAX_NAME, including the terminator

size_t scalar_size(ValueType t) {
  switch (t) {
    case ValueType::UINT8: case ValueType::INT8: case ValueType::BOOL: return 1;
    case ValueType::UINT16: case ValueType::INT16: return 2;
    case ValueType::UINT32: case ValueType::INT32: case ValueType::FLOAT32: return 4;
    case ValueType::UINT64: case ValueType::INT64: case ValueType::FLOAT64: return 8;
    default: return 0;
  }
}

bool known_value_type(uint32_t t) { return t <= static_cast<uint32_t>(ValueType::FLOAT64); }

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string_view value_type_name(ValueType t) {
  static constexpr std::string_view names[] = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
                                               "bool", "string", "array", "uint64", "int64", "float64"};
  auto i = static_cast<uint32_t>(t);
  return i < std::size(names) ? names[i] : "unknown";
}

bool Value::is_integer() const {
  switch (type) {
    case ValueType::UINT8: case ValueType::INT8: case ValueType::UINT16: case ValueType::INT16:
    case ValueType::UINT32: case ValueType::INT32: case ValueType::UINT64: case ValueType::INT64: return true;
    default: return false;
  }
}

int64_t Value::int_at(uint64_t k) const {
  const uint8_t* p = raw + k * scalar_size(elem_type);
  switch (elem_type) {
    case ValueType::UINT8: return load<uint8_t>(p);
    case ValueType::INT8: return load<int8_t>(p);
    case ValueType::BOOL: return load<uint8_t>(p) != 0;
    case ValueType::UINT16: return load<uint16_t>(p);
    case ValueType::INT16: return load<int16_t>(p);
    case ValueType::UINT32: return load<uint32_t>(p);
    case ValueType::INT32: return load<int32_t>(p);
    case ValueType::UINT64: return static_cast<int64_t>(load<uint64_t>(p));
    case ValueType::INT64: return load<int64_t>(p);
    case ValueType::FLOAT32: return static_cast<int64_t>(load<float>(p));
    case ValueType::FLOAT64: return static_cast<int64_t>(load<double>(p));
    default: return 0;
  }
}

double Value::float_at(uint64_t k) const {
  const uint8_t* p = raw + k * scalar_size(elem_type);
  if (elem_type == ValueType::FLOAT32) return load<float>(p);
  if (elem_type == ValueType::FLOAT64) return load<double>(p);
  return static_cast<double>(int_at(k));
}

std::string TensorInfo::shape_string() const {
  std::string s = "[";
  for (uint32_t d = 0; d < n_dims; ++d) s += (d ? ", " : "") + std::to_string(ne[d]);
  return s + "]";
}

// Cursor over the file bytes; every read is bounds-checked and failures name the offset.
class GgufParser {
 public:
  GgufParser(std::span<const uint8_t> bytes, std::string name) : b_(bytes), name_(std::move(name)) {}

  Expected<GgufFile> run() {
    GgufFile f;
    f.bytes_ = b_;
    f.name_ = name_;
    uint32_t magic = 0;
    if (!read(magic)) return fail("file too small for a GGUF header (" + std::to_string(b_.size()) + " bytes)");
    if (magic != kMagic) return fail_at(0, "bad magic " + hex(magic) + ": not a GGUF file", ErrorCode::kCorrupt);
    if (!read(f.version_)) return truncated("version");
    if (f.version_ != 2 && f.version_ != 3)
      return fail_at(4, "unsupported GGUF version " + std::to_string(f.version_) + " (2 and 3 are supported)",
                     ErrorCode::kUnsupported);
    uint64_t n_tensors = 0, n_kv = 0;
    if (!read(n_tensors)) return truncated("tensor count");
    if (!read(n_kv)) return truncated("metadata count");
    // Each KV needs >= 8+4 bytes and each tensor info >= 8+4+8+4+8: reject counts the file cannot hold.
    if (n_kv > b_.size() / 12) return fail_at(16, "metadata count " + std::to_string(n_kv) + " exceeds what the file can hold", ErrorCode::kCorrupt);
    if (n_tensors > b_.size() / 32) return fail_at(8, "tensor count " + std::to_string(n_tensors) + " exceeds what the file can hold", ErrorCode::kCorrupt);

    f.kv_.reserve(n_kv);
    std::unordered_set<std::string_view> keys;
    for (uint64_t k = 0; k < n_kv; ++k) {
      KeyValue kv;
      kv.offset = pos_;
      if (!read_string(kv.key)) return truncated_or_error("key of metadata entry " + std::to_string(k));
      uint32_t type = 0;
      if (!read(type)) return truncated("type of key '" + std::string(kv.key) + "'");
      if (!known_value_type(type))
        return fail_at(pos_ - 4, "key '" + std::string(kv.key) + "' has unknown value type " + std::to_string(type), ErrorCode::kCorrupt);
      kv.value.type = static_cast<ValueType>(type);
      if (auto st = read_value(kv.key, kv.value); !st.ok()) return st.error();
      if (!keys.insert(kv.key).second)
        return fail_at(kv.offset, "duplicate key '" + std::string(kv.key) + "'", ErrorCode::kCorrupt);
      f.kv_.push_back(std::move(kv));
    }
    for (const auto& kv : f.kv_) {
      if (kv.key == "general.alignment") {
        if (!kv.value.is_integer() || kv.value.u == 0 || (kv.value.u & (kv.value.u - 1)) || kv.value.u > (1u << 20))
          return fail_at(kv.offset, "general.alignment must be a power of two, got " + std::to_string(kv.value.i), ErrorCode::kCorrupt);
        f.alignment_ = static_cast<uint32_t>(kv.value.u);
      }
    }

    f.tensors_.reserve(n_tensors);
    std::unordered_set<std::string_view> names;
    for (uint64_t t = 0; t < n_tensors; ++t) {
      TensorInfo ti;
      ti.info_offset = pos_;
      if (!read_string(ti.name)) return truncated_or_error("name of tensor " + std::to_string(t));
      const std::string tname(ti.name);
      if (ti.name.size() >= kMaxTensorName)
        return fail_at(ti.info_offset, "tensor name '" + tname.substr(0, 80) + "' is longer than 63 bytes", ErrorCode::kCorrupt);
      if (!names.insert(ti.name).second)
        return fail_at(ti.info_offset, "duplicate tensor '" + tname + "'", ErrorCode::kCorrupt);
      if (!read(ti.n_dims)) return truncated("dimension count of tensor '" + tname + "'");
      if (ti.n_dims == 0 || ti.n_dims > 4)
        return fail_at(pos_ - 4, "tensor '" + tname + "' has " + std::to_string(ti.n_dims) + " dimensions (1..4 allowed)", ErrorCode::kCorrupt);
      for (uint32_t d = 0; d < ti.n_dims; ++d) {
        int64_t ne = 0;
        if (!read(ne)) return truncated("shape of tensor '" + tname + "'");
        if (ne <= 0)
          return fail_at(pos_ - 8, "tensor '" + tname + "' has dimension " + std::to_string(d) + " = " + std::to_string(ne), ErrorCode::kCorrupt);
        ti.ne[d] = ne;
      }
      // Element count must not overflow int64.
      int64_t n = 1;
      for (int64_t ne : ti.ne) {
        if (n > std::numeric_limits<int64_t>::max() / ne)
          return fail_at(ti.info_offset, "tensor '" + tname + "' shape " + ti.shape_string() + " overflows the element count", ErrorCode::kCorrupt);
        n *= ne;
      }
      uint32_t type_id = 0;
      if (!read(type_id)) return truncated("type of tensor '" + tname + "'");
      auto tr = type_traits(type_id);
      if (!tr) return fail_at(pos_ - 4, "tensor '" + tname + "' has unknown type id " + std::to_string(type_id), ErrorCode::kCorrupt);
      ti.type = tr->type;
      if (ti.ne[0] % tr->block_size != 0)
        return fail_at(ti.info_offset, "tensor '" + tname + "' row length " + std::to_string(ti.ne[0]) +
                                           " is not a multiple of the " + std::string(tr->name) + " block size " +
                                           std::to_string(tr->block_size), ErrorCode::kCorrupt);
      const uint64_t blocks = static_cast<uint64_t>(n / tr->block_size);
      if (blocks > std::numeric_limits<uint64_t>::max() / tr->type_size)
        return fail_at(ti.info_offset, "tensor '" + tname + "' byte size overflows", ErrorCode::kCorrupt);
      ti.n_bytes = blocks * tr->type_size;
      if (!read(ti.offset)) return truncated("offset of tensor '" + tname + "'");
      if (ti.offset % f.alignment_ != 0)
        return fail_at(pos_ - 8, "tensor '" + tname + "' offset " + std::to_string(ti.offset) + " is not aligned to " + std::to_string(f.alignment_), ErrorCode::kCorrupt);
      f.tensors_.push_back(ti);
    }

    // The data section starts at the next alignment boundary.
    uint64_t data = (pos_ + f.alignment_ - 1) / f.alignment_ * f.alignment_;
    if (n_tensors > 0 && data > b_.size())
      return fail_at(pos_, "file ends before the data section (needs offset " + std::to_string(data) + ")", ErrorCode::kCorrupt);
    f.data_offset_ = data;
    const uint64_t data_size = b_.size() >= data ? b_.size() - data : 0;

    // Extents inside the data section, and no two tensors overlap.
    std::vector<const TensorInfo*> order;
    order.reserve(f.tensors_.size());
    for (auto& ti : f.tensors_) {
      if (ti.offset > data_size || ti.n_bytes > data_size - ti.offset)
        return make_error(ErrorCode::kCorrupt,
                          name_ + ": tensor '" + std::string(ti.name) + "' (" + std::to_string(ti.n_bytes) + " bytes at data offset " +
                              std::to_string(ti.offset) + ", file offset " + std::to_string(data + ti.offset) +
                              ") extends past the end of the file (" + std::to_string(b_.size()) + " bytes): truncated file?");
      ti.data = b_.data() + data + ti.offset;
      order.push_back(&ti);
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t k = 1; k < order.size(); ++k) {
      if (order[k - 1]->offset + order[k - 1]->n_bytes > order[k]->offset)
        return make_error(ErrorCode::kCorrupt, name_ + ": tensors '" + std::string(order[k - 1]->name) + "' and '" +
                                                   std::string(order[k]->name) + "' overlap at data offset " +
                                                   std::to_string(order[k]->offset));
    }
    return f;
  }

 private:
  template <typename T>
  bool read(T& v) {
    if (b_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

  bool read_string(std::string_view& s) {
    uint64_t len = 0;
    const uint64_t at = pos_;
    if (!read(len)) return false;
    if (len > kMaxStringLength || len > b_.size() - pos_) {
      pending_ = fail_at(at, "string length " + std::to_string(len) + " runs past the end of the file", ErrorCode::kCorrupt);
      has_pending_ = true;
      return false;
    }
    s = std::string_view(reinterpret_cast<const char*>(b_.data() + pos_), len);
    pos_ += len;
    return true;
  }

  Status read_value(std::string_view key, Value& v) {
    const std::string k(key);
    switch (v.type) {
      case ValueType::STRING:
        if (!read_string(v.str)) return truncated_or_error("string value of key '" + k + "'");
        return Status::Ok();
      case ValueType::ARRAY: {
        uint32_t et = 0;
        if (!read(et)) return truncated("array type of key '" + k + "'");
        if (!known_value_type(et) || et == static_cast<uint32_t>(ValueType::ARRAY))
          return fail_at(pos_ - 4, "key '" + k + "' is an array of unsupported element type " + std::to_string(et), ErrorCode::kCorrupt);
        v.elem_type = static_cast<ValueType>(et);
        if (!read(v.count)) return truncated("array length of key '" + k + "'");
        if (v.elem_type == ValueType::STRING) {
          if (v.count > (b_.size() - pos_) / 8)
            return fail_at(pos_ - 8, "key '" + k + "' array length " + std::to_string(v.count) + " exceeds the file", ErrorCode::kCorrupt);
          v.strings.resize(v.count);
          for (uint64_t i = 0; i < v.count; ++i)
            if (!read_string(v.strings[i])) return truncated_or_error("element " + std::to_string(i) + " of key '" + k + "'");
        } else {
          const size_t es = scalar_size(v.elem_type);
          if (v.count > (b_.size() - pos_) / es)
            return fail_at(pos_ - 8, "key '" + k + "' array of " + std::to_string(v.count) + " elements runs past the end of the file", ErrorCode::kCorrupt);
          v.raw = b_.data() + pos_;
          pos_ += v.count * es;
        }
        return Status::Ok();
      }
      default: {
        const size_t es = scalar_size(v.type);
        if (b_.size() - pos_ < es) return truncated("value of key '" + k + "'");
        v.raw = b_.data() + pos_;
        v.elem_type = v.type;
        v.count = 1;
        if (v.type == ValueType::FLOAT32 || v.type == ValueType::FLOAT64) {
          v.f = v.float_at(0);
        } else if (v.type == ValueType::BOOL) {
          uint8_t byte = v.raw[0];
          if (byte > 1) return fail_at(pos_, "key '" + k + "' bool has value " + std::to_string(byte), ErrorCode::kCorrupt);
          v.b = byte != 0;
          v.i = v.b;
          v.u = v.b;
        } else {
          v.i = v.int_at(0);
          v.u = static_cast<uint64_t>(v.i);
          if (v.type == ValueType::UINT64) v.u = load<uint64_t>(v.raw);
          v.f = static_cast<double>(v.i);
        }
        v.raw = nullptr;
        v.count = 0;
        pos_ += es;
        return Status::Ok();
      }
    }
  }

  Error fail_at(uint64_t offset, const std::string& what, ErrorCode code) const {
    return make_error(code, name_ + ": " + what + " (at byte offset " + std::to_string(offset) + ")");
  }
  Expected<GgufFile> fail(const std::string& what) const { return make_error(ErrorCode::kCorrupt, name_ + ": " + what); }
  Error truncated(const std::string& what) const {
    return make_error(ErrorCode::kCorrupt, name_ + ": file truncated while reading " + what + " (at byte offset " +
                                               std::to_string(pos_) + " of " + std::to_string(b_.size()) + ")");
  }
  Error truncated_or_error(const std::string& what) {
    if (has_pending_) {
      has_pending_ = false;
      Error e = pending_;
      e.message += " while reading " + what;
      return e;
    }
    return truncated(what);
  }

  std::span<const uint8_t> b_;
  std::string name_;
  uint64_t pos_ = 0;
  Error pending_;
  bool has_pending_ = false;
};

Expected<GgufFile> GgufFile::parse(std::span<const uint8_t> bytes, std::string name) {
  return GgufParser(bytes, std::move(name)).run();
}

Expected<GgufFile> GgufFile::assemble(std::span<const uint8_t> header, std::string name,
                                      std::vector<TensorInfo> tensors, std::shared_ptr<const void> owner) {
  ONBOARD_ASSIGN_OR_RETURN(GgufFile f, parse(header, name));
  if (!f.tensors_.empty()) return make_error(ErrorCode::kInternal, name + ": assembled header holds tensors");
  for (const TensorInfo& t : tensors) {
    if (t.n_bytes != row_bytes(t.type, t.ne[0]) * static_cast<uint64_t>(t.rows()))
      return make_error(ErrorCode::kInternal, name + ": tensor '" + std::string(t.name) + "' byte size " +
                                                  std::to_string(t.n_bytes) + " does not match its shape " + t.shape_string());
    for (const TensorInfo& seen : f.tensors_)
      if (seen.name == t.name)
        return make_error(ErrorCode::kCorrupt, name + ": tensor '" + std::string(t.name) + "' appears twice");
    f.tensors_.push_back(t);
  }
  f.owner_ = std::move(owner);
  return f;
}

Expected<GgufFile> GgufFile::open(const std::string& path) {
  ONBOARD_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path));
  auto shared = std::make_shared<MappedFile>(std::move(map));
  ONBOARD_ASSIGN_OR_RETURN(GgufFile f, parse(shared->bytes(), path));
  f.map_ = std::move(shared);
  return f;
}

const Value* GgufFile::find(std::string_view key) const {
  for (const auto& kv : kv_)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

namespace {
Error missing(const std::string& file, std::string_view key) {
  return make_error(ErrorCode::kNotFound, file + ": metadata key '" + std::string(key) + "' is missing");
}
Error wrong_type(const std::string& file, std::string_view key, const Value& v, const char* want) {
  return make_error(ErrorCode::kCorrupt, file + ": metadata key '" + std::string(key) + "' is " +
                                             std::string(value_type_name(v.type)) + ", expected " + want);
}
}  // namespace

Expected<std::string_view> GgufFile::get_string(std::string_view key) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (v->type != ValueType::STRING) return wrong_type(name_, key, *v, "string");
  return v->str;
}

Expected<uint64_t> GgufFile::get_uint(std::string_view key) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (!v->is_integer()) return wrong_type(name_, key, *v, "an integer");
  if (v->type != ValueType::UINT64 && v->i < 0)
    return make_error(ErrorCode::kCorrupt, name_ + ": metadata key '" + std::string(key) + "' is negative (" + std::to_string(v->i) + ")");
  return v->u;
}

Expected<int64_t> GgufFile::get_int(std::string_view key) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (!v->is_integer()) return wrong_type(name_, key, *v, "an integer");
  return v->i;
}

Expected<double> GgufFile::get_float(std::string_view key) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (v->type == ValueType::FLOAT32 || v->type == ValueType::FLOAT64 || v->is_integer()) return v->f;
  return wrong_type(name_, key, *v, "a number");
}

Expected<bool> GgufFile::get_bool(std::string_view key) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (v->type != ValueType::BOOL) return wrong_type(name_, key, *v, "bool");
  return v->b;
}

Expected<const Value*> GgufFile::get_array(std::string_view key, ValueType elem_type) const {
  const Value* v = find(key);
  if (!v) return missing(name_, key);
  if (v->type != ValueType::ARRAY) return wrong_type(name_, key, *v, "an array");
  Value probe;
  probe.type = v->elem_type;
  const bool int_ok = elem_type == ValueType::INT32 && probe.is_integer();
  if (v->elem_type != elem_type && !int_ok)
    return make_error(ErrorCode::kCorrupt, name_ + ": metadata key '" + std::string(key) + "' is an array of " +
                                               std::string(value_type_name(v->elem_type)) + ", expected " +
                                               std::string(value_type_name(elem_type)));
  return v;
}

const TensorInfo* GgufFile::find_tensor(std::string_view name) const {
  for (const auto& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace onboard::gguf
