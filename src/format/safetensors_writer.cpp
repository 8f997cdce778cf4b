#include "format/safetensors_writer.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "format/safetensors.h"

namespace onboard::safetensors {

void SafetensorsWriter::add_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }

Status SafetensorsWriter::add_tensor(const std::string& name, const std::string& dtype, std::vector<int64_t> shape,
                                     Fill fill) {
  const size_t esize = dtype_size(dtype);
  if (esize == 0) return make_error(ErrorCode::kInvalidArgument, "safetensors: unknown dtype '" + dtype + "'");
  if (name == "__metadata__") return make_error(ErrorCode::kInvalidArgument, "safetensors: reserved tensor name");
  uint64_t n = esize;
  for (int64_t d : shape) {
    if (d < 0) return make_error(ErrorCode::kInvalidArgument, "safetensors: tensor '" + name + "' has a negative dimension");
    n *= static_cast<uint64_t>(d);
  }
  tensors_.push_back({name, dtype, std::move(shape), n, esize, std::move(fill)});
  return Status::Ok();
}

uint64_t SafetensorsWriter::data_bytes() const {
  uint64_t n = 0;
  for (const auto& t : tensors_) n += t.n_bytes;
  return n;
}

std::vector<const SafetensorsWriter::Tensor*> SafetensorsWriter::data_order() const {
  std::vector<const Tensor*> order;
  for (const auto& t : tensors_) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), [](const Tensor* a, const Tensor* b) {
    return a->align != b->align ? a->align > b->align : a->name < b->name;
  });
  return order;
}

std::vector<uint8_t> SafetensorsWriter::header() const {
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata_.empty()) h["__metadata__"] = metadata_;
  uint64_t offset = 0;
  for (const Tensor* t : data_order()) {
    h[t->name] = {{"dtype", t->dtype}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->n_bytes}}};
    offset += t->n_bytes;
  }
  std::string text = h.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<uint8_t> out(8 + text.size());
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  std::copy(text.begin(), text.end(), out.begin() + 8);
  return out;
}

Status SafetensorsWriter::write(const std::string& path) const {
  const std::vector<uint8_t> h = header();
  const std::string tmp = path + ".tmp";
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!f) return make_error(ErrorCode::kIo, tmp + ": cannot create");
  auto fail = [&](Status st) {
    f.reset();
    std::remove(tmp.c_str());
    return st;
  };
  if (std::fwrite(h.data(), 1, h.size(), f.get()) != h.size())
    return fail(make_error(ErrorCode::kIo, path + ": write failed (disk full?)"));
  std::vector<uint8_t> buf;
  for (const Tensor* t : data_order()) {
    buf.assign(t->n_bytes, 0);
    Status st = t->fill(std::span<uint8_t>(buf.data(), buf.size()));
    if (!st.ok()) return fail(st);
    if (std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size())
      return fail(make_error(ErrorCode::kIo, path + ": write failed (disk full?)"));
  }
  if (std::fflush(f.get()) != 0) return fail(make_error(ErrorCode::kIo, path + ": flush failed"));
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return make_error(ErrorCode::kIo, path + ": rename failed");
  return Status::Ok();
}

Expected<std::vector<uint8_t>> SafetensorsWriter::write_to_memory() const {
  std::vector<uint8_t> out = header();
  for (const Tensor* t : data_order()) {
    const size_t at = out.size();
    out.resize(at + t->n_bytes);
    ONBOARD_TRY(t->fill(std::span<uint8_t>(out.data() + at, t->n_bytes)));
  }
  return out;
}

}  // namespace onboard::safetensors
