#include "format/quantize_file.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
#include "format/gguf.h"
#include "format/gguf_writer.h"
#include "tensor/dequantize.h"
#include "tensor/quant_mixture.h"
#include "kernels/quantize_row.h"
#include "tensor/quantize.h"

namespace onboard::gguf {
namespace {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
  const fs::path ca = fs::weakly_canonical(a, ec);
  const fs::path cb = fs::weakly_canonical(b, ec);
  return !ec && ca == cb;
}

int64_t meta_int(const GgufFile& f, const std::string& key, int64_t fallback) {
  if (!f.find(key)) return fallback;
  auto v = f.get_uint(key);
  return v.ok() ? static_cast<int64_t>(*v) : fallback;
}

}  // namespace

Expected<QuantizeSummary> quantize_file(const std::string& in_path, const std::string& out_path, std::string_view type,
                                        const QuantizeOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::optional<QuantMix> mix = find_quant_mix(type);
  if (!mix)
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown quantization type '" + std::string(type) + "' (valid: " + quant_mix_names() + ")");
  if (same_file(in_path, out_path))
    return make_error(ErrorCode::kInvalidArgument, out_path + ": the output is the input file; write to another path");
  ONBOARD_ASSIGN_OR_RETURN(GgufFile in, GgufFile::open(in_path));

  // Model facts for the mixture rules.
  MixModel model;
  std::string arch;
  if (auto a = in.get_string("general.architecture"); a.ok()) arch = std::string(*a);
  int64_t max_layer = -1;
  for (const auto& t : in.tensors()) {
    if (t.name.substr(0, 4) == "blk.") max_layer = std::max<int64_t>(max_layer, std::atoll(std::string(t.name.substr(4)).c_str()));
  }
  model.n_layer = meta_int(in, arch + ".block_count", max_layer + 1);
  const int64_t n_head = meta_int(in, arch + ".attention.head_count", 1);
  const int64_t n_head_kv = meta_int(in, arch + ".attention.head_count_kv", n_head);
  model.n_gqa = n_head_kv > 0 ? n_head / n_head_kv : 1;
  model.has_output = in.find_tensor("output.weight") != nullptr;

  GgufWriter w;
  w.set_alignment(in.alignment());
  for (const auto& kv : in.metadata()) {
    if (kv.key == "general.alignment") continue;  // set_alignment writes it
    w.add_value(kv.key, kv.value);
  }
  w.add_u32("general.file_type", mix->file_type);
  w.add_u32("general.quantization_version", 2);

  QuantizeSummary sum;
  sum.mix = std::string(mix->name);
  const int n_threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  auto pool = std::make_shared<ThreadPool>(n_threads);

  for (const TensorInfo& t : in.tensors()) {
    const std::string name(t.name);
    GgmlType to = t.type;
    if (is_quantizable(t.name, static_cast<int>(t.n_dims))) {
      const TypeChoice c = choose_tensor_type(*mix, t.name, t.ne[0], model);
      to = c.type;
      if (c.fallback) ++sum.n_fallback;
    }
    std::vector<int64_t> ne(t.ne.begin(), t.ne.begin() + std::max<uint32_t>(t.n_dims, 1));
    ++sum.n_tensors;
    sum.out_types[std::string(traits(to).name)]++;
    sum.bytes_in += t.n_bytes;
    if (to == t.type) {  // nothing to convert: copy the bytes
      ++sum.n_copied;
      sum.bytes_out += t.n_bytes;
      const uint8_t* src = t.data;
      const uint64_t n = t.n_bytes;
      ONBOARD_TRY(w.add_tensor(name, to, std::move(ne), [src, n, name](std::span<uint8_t> dst) -> Status {
        if (dst.size() != n) return make_error(ErrorCode::kInternal, name + ": size mismatch while copying");
        std::memcpy(dst.data(), src, n);
        return Status::Ok();
      }));
      continue;
    }
    if (!traits(t.type).can_compute)
      return make_error(ErrorCode::kUnsupported, in.name() + ": tensor '" + name + "' has type " +
                                                     std::string(traits(t.type).name) + ", which cannot be converted");
    if (!can_quantize(to))
      return make_error(ErrorCode::kUnsupported, "tensor '" + name + "': cannot write type " + std::string(traits(to).name));
    ++sum.n_converted;
    const int64_t n_per_row = t.ne[0];
    const int64_t rows = t.rows();
    sum.bytes_out += row_bytes(to, n_per_row) * static_cast<uint64_t>(rows);
    const GgmlType from = t.type;
    const uint8_t* src = t.data;
    auto fill = [pool, src, from, to, n_per_row, rows, name](std::span<uint8_t> dst) -> Status {
      const size_t rb_in = row_bytes(from, n_per_row), rb_out = row_bytes(to, n_per_row);
      if (dst.size() != rb_out * static_cast<size_t>(rows))
        return make_error(ErrorCode::kInternal, name + ": size mismatch while converting");
      std::vector<std::vector<float>> bufs(static_cast<size_t>(pool->size()));
      pool->parallel_for(rows, [&](int64_t r0, int64_t r1, int thread) {
        std::vector<float>& buf = bufs[static_cast<size_t>(thread)];
        buf.resize(static_cast<size_t>(n_per_row));
        for (int64_t r = r0; r < r1; ++r) {
          dequantize_row(from, src + static_cast<size_t>(r) * rb_in, buf.data(), n_per_row);
          kernels::quantize_row(to, buf.data(), dst.data() + static_cast<size_t>(r) * rb_out, n_per_row);
        }
      });
      return Status::Ok();
    };
    ONBOARD_TRY(w.add_tensor(name, to, std::move(ne), std::move(fill)));
  }
  ONBOARD_TRY(w.write(out_path));
  std::error_code ec;
  sum.file_bytes_in = fs::file_size(in_path, ec);
  sum.file_bytes_out = fs::file_size(out_path, ec);
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace onboard::gguf
