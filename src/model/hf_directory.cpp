#include "model/hf_directory.h"

#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "format/gguf_writer.h"
#include "format/safetensors.h"
#include "model/hf_config.h"
#include "model/hf_tensor_names.h"
#include "tensor/dequantize.h"
#include "tensor/fp8.h"

namespace onboard::model {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr const char* kSingleName = "model.safetensors";

// Everything the view's tensors point into, kept alive by the GgufFile.
struct Storage {
  std::vector<uint8_t> header;
  std::deque<safetensors::SafetensorsFile> shards;
  std::deque<std::string> names;
  std::deque<std::vector<uint8_t>> buffers;
  std::map<std::string, std::string, std::less<>> sources;  // GGUF name -> where it came from
};

struct Located {
  const safetensors::TensorInfo* t = nullptr;
  const safetensors::SafetensorsFile* file = nullptr;
  std::string where() const { return file->name() + ": tensor '" + t->name + "'"; }
};

// A tensor's values in a type the kernels compute with.
struct Values {
  GgmlType type = GgmlType::F32;
  const uint8_t* data = nullptr;
};

Expected<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, p.string() + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shape_of(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

class ViewBuilder {
 public:
  ViewBuilder(std::string dir, HfConfig hf, HfLoadReport& report)
      : dir_(std::move(dir)), hf_(std::move(hf)), c_(hf_.config), report_(report), st_(std::make_shared<Storage>()) {}

  Status open_shards() {
    const fs::path index = fs::path(dir_) / kIndexName;
    std::error_code ec;
    if (fs::exists(index, ec)) {
      index_name_ = index.string();
      ONBOARD_ASSIGN_OR_RETURN(std::string text, read_text(index));
      json j = json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
        return make_error(ErrorCode::kCorrupt, index_name_ + ": not a JSON object with a weight_map object");
      std::map<std::string, const safetensors::SafetensorsFile*> opened;
      for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it.value().is_string())
          return make_error(ErrorCode::kCorrupt, index_name_ + ": weight_map entry '" + it.key() + "' is not a file name");
        const std::string shard = it.value().get<std::string>();
        if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos || shard[0] == '.')
          return make_error(ErrorCode::kCorrupt, index_name_ + ": tensor '" + it.key() + "' names shard '" + shard +
                                                     "', which is not a plain file name in the directory");
        auto f = opened.find(shard);
        if (f == opened.end()) {
          auto opened_shard = safetensors::SafetensorsFile::open((fs::path(dir_) / shard).string());
          if (!opened_shard.ok())
            return make_error(opened_shard.error().code, opened_shard.error().message + " (shard of tensor '" + it.key() +
                                                              "' in " + index_name_ + ")");
          st_->shards.push_back(std::move(opened_shard).value());
          f = opened.emplace(shard, &st_->shards.back()).first;
        }
        const safetensors::TensorInfo* t = f->second->find(it.key());
        if (!t)
          return make_error(ErrorCode::kCorrupt, index_name_ + ": tensor '" + it.key() + "' is mapped to " + shard +
                                                     ", which does not contain it");
        tensors_[it.key()] = {t, f->second};
      }
      return Status::Ok();
    }
    const fs::path single = fs::path(dir_) / kSingleName;
    index_name_ = single.string();
    if (!fs::exists(single, ec))
      return make_error(ErrorCode::kNotFound, dir_ + ": neither " + kIndexName + " nor " + kSingleName + " is present");
    ONBOARD_ASSIGN_OR_RETURN(safetensors::SafetensorsFile f, safetensors::SafetensorsFile::open(single.string()));
    st_->shards.push_back(std::move(f));
    for (const auto& t : st_->shards.back().tensors()) tensors_[t.name] = {&t, &st_->shards.back()};
    return Status::Ok();
  }

  Status build() {
    // Experts per layer and projection, kv_b per layer; the rest maps one to one.
    std::map<std::pair<int64_t, std::string>, std::vector<const std::pair<const std::string, Located>*>> experts;
    std::map<int64_t, const std::pair<const std::string, Located>*> kv_b;
    int64_t mtp_tensors = 0, unused = 0;
    std::string unused_example;
    for (const auto& entry : tensors_) {
      const std::string& name = entry.first;
      if (name.size() > 10 && name.ends_with("_scale_inv")) continue;  // read with its weight
      int64_t layer = -1;
      std::string_view rest;
      const bool in_layer = split_hf_layer_name(name, layer, rest);
      if (in_layer && layer >= c_.n_layer) {  // multi-token prediction layers follow the decoder
        ++mtp_tensors;
        continue;
      }
      if (in_layer && rest == "self_attn.kv_b_proj.weight" && c_.arch == "deepseek2") {
        kv_b[layer] = &entry;
        continue;
      }
      if (in_layer && rest.starts_with("mlp.experts.")) {
        std::string_view e = rest.substr(12);
        const size_t dot = e.find('.');
        int64_t idx = -1;
        if (dot != std::string_view::npos) idx = std::atoll(std::string(e.substr(0, dot)).c_str());
        const std::string proj(dot == std::string_view::npos ? "" : e.substr(dot + 1));
        if ((proj == "gate_proj.weight" || proj == "up_proj.weight" || proj == "down_proj.weight") && idx >= 0 &&
            std::to_string(idx) == e.substr(0, dot)) {
          if (idx >= c_.n_expert)
            return make_error(ErrorCode::kCorrupt, entry.second.where() + " is expert " + std::to_string(idx) +
                                                       " but config.json has n_routed_experts " + std::to_string(c_.n_expert));
          auto& slot = experts[{layer, proj}];
          slot.resize(c_.n_expert, nullptr);
          slot[idx] = &entry;
          continue;
        }
      }
      const std::string g = gguf_name_from_hf(name);
      if (g.empty()) {
        if (!name.ends_with("rotary_emb.inv_freq") && unused++ == 0) unused_example = name;
        continue;
      }
      ONBOARD_TRY(add_direct(g, entry.second));
    }
    if (!c_.tied_output && !tensors_.count("lm_head.weight"))
      return make_error(ErrorCode::kCorrupt, index_name_ + ": tensor 'lm_head.weight' is missing and config.json "
                                                          "does not set tie_word_embeddings");
    if (c_.arch == "deepseek2") {
      for (int64_t i = 0; i < c_.n_layer; ++i) {
        const std::string hf_kvb = "model.layers." + std::to_string(i) + ".self_attn.kv_b_proj.weight";
        auto it = kv_b.find(i);
        if (it == kv_b.end()) return missing(hf_kvb);
        ONBOARD_TRY(add_kv_b(i, it->second->second));
        if (c_.n_expert == 0 || i < c_.n_dense_lead) continue;
        for (const char* proj : {"gate_proj.weight", "up_proj.weight", "down_proj.weight"})
          ONBOARD_TRY(add_expert_stack(i, proj, experts[{i, proj}]));
      }
    }
    if (!hf_.rope_freqs.empty()) {
      std::vector<uint8_t>& b = st_->buffers.emplace_back(hf_.rope_freqs.size() * sizeof(float));
      std::memcpy(b.data(), hf_.rope_freqs.data(), b.size());
      add_tensor("rope_freqs.weight", GgmlType::F32, {static_cast<int64_t>(hf_.rope_freqs.size())}, b.data(),
                 "config.json rope_scaling (llama3)");
    }
    if (mtp_tensors > 0)
      report_.notes.push_back("skipped " + std::to_string(mtp_tensors) + " tensors of the multi-token-prediction layers "
                              "(model.layers." + std::to_string(c_.n_layer) + " and up); speculative decoding does not use them yet");
    if (unused > 0)
      report_.notes.push_back("ignored " + std::to_string(unused) + " tensors the engine does not use, e.g. '" +
                              unused_example + "'");
    if (report_.n_fp8 > 0)
      report_.notes.push_back(std::to_string(report_.n_fp8) + " FP8 weights (" +
                              std::to_string(report_.fp8_source_bytes >> 20) + " MiB in the files) dequantized to F32 at load (" +
                              std::to_string((report_.fp8_source_bytes * 4) >> 20) + " MiB)");
    return Status::Ok();
  }

  Expected<gguf::GgufFile> finish() {
    gguf::GgufWriter w;
    ModelConfig named = c_;
    if (named.name.empty()) named.name = fs::path(dir_).filename().string();
    add_gguf_config_keys(w, named);
    ONBOARD_ASSIGN_OR_RETURN(st_->header, w.write_to_memory());
    return gguf::GgufFile::assemble(st_->header, dir_, std::move(infos_), st_);
  }

  std::shared_ptr<Storage> storage() const { return st_; }
  const std::string& index_name() const { return index_name_; }

 private:
  Error missing(const std::string& hf_name) const {
    return Error{ErrorCode::kCorrupt, index_name_ + ": tensor '" + hf_name + "' is missing"};
  }

  std::vector<uint8_t>& buffer(size_t n) {
    report_.converted_bytes += n;
    return st_->buffers.emplace_back(n);
  }

  // The type values() gives: the tensor's own for F32/F16/BF16, F32 for FP8.
  static Expected<GgmlType> compute_type(const Located& src) {
    using safetensors::Dtype;
    switch (src.t->dtype) {
      case Dtype::kF32: return GgmlType::F32;
      case Dtype::kF16: return GgmlType::F16;
      case Dtype::kBF16: return GgmlType::BF16;
      case Dtype::kF8E4M3: return GgmlType::F32;
      case Dtype::kOther: break;
    }
    return make_error(ErrorCode::kUnsupported, src.where() + " has dtype " + src.t->dtype_name +
                                                   ", which the engine cannot compute with (F32, F16, BF16, F8_E4M3)");
  }

  // In place for F32/F16/BF16; FP8 dequantized with its block scales to F32, into a new
  // buffer that stays with the model, or into `transient` when the caller only converts the
  // values further (kv_b split, expert stack), so no dead F32 copy outlives the load.
  Expected<Values> values(const Located& src, std::vector<uint8_t>* transient = nullptr) {
    const safetensors::TensorInfo& t = *src.t;
    ONBOARD_ASSIGN_OR_RETURN(GgmlType type, compute_type(src));
    if (t.dtype != safetensors::Dtype::kF8E4M3) return Values{type, t.data};
    if (t.shape.size() != 2)
      return make_error(ErrorCode::kUnsupported, src.where() + " is FP8 with shape " + t.shape_string() + "; FP8 is read for 2-D weights only");
    const int64_t rows = t.shape[0], cols = t.shape[1];
    const std::string scale_name = t.name + "_scale_inv";
    auto s = tensors_.find(scale_name);
    if (s == tensors_.end())
      return make_error(ErrorCode::kCorrupt, src.where() + " is FP8 but '" + scale_name + "' is not in " + index_name_);
    const safetensors::TensorInfo& sc = *s->second.t;
    using safetensors::Dtype;
    const int64_t sr = (rows + kFp8BlockSize - 1) / kFp8BlockSize, scol = (cols + kFp8BlockSize - 1) / kFp8BlockSize;
    if (sc.dtype != Dtype::kF32 || sc.shape != std::vector<int64_t>{sr, scol})
      return make_error(ErrorCode::kCorrupt, s->second.where() + " is " + sc.dtype_name + " " + sc.shape_string() +
                                                 ", expected F32 " + shape_of({sr, scol}) + " (one per 128x128 block)");
    std::vector<float> scale(sr * scol);
    std::memcpy(scale.data(), sc.data, scale.size() * sizeof(float));  // the shard gives no alignment
    const size_t n_bytes = static_cast<size_t>(rows * cols) * sizeof(float);
    std::vector<uint8_t>& b = transient ? *transient : buffer(n_bytes);
    b.resize(n_bytes);
    dequantize_fp8_blocks(t.data, scale.data(), rows, cols, reinterpret_cast<float*>(b.data()));
    ++report_.n_fp8;
    report_.fp8_source_bytes += t.n_bytes;
    return Values{GgmlType::F32, b.data()};
  }

  void add_tensor(const std::string& gguf_name, GgmlType type, std::vector<int64_t> ne, const uint8_t* data,
                  std::string source) {
    gguf::TensorInfo ti;
    ti.name = st_->names.emplace_back(gguf_name);
    ti.type = type;
    ti.n_dims = static_cast<uint32_t>(ne.size());
    for (size_t i = 0; i < ne.size(); ++i) ti.ne[i] = ne[i];
    ti.n_bytes = row_bytes(type, ti.ne[0]) * static_cast<uint64_t>(ti.rows());
    ti.data = data;
    infos_.push_back(ti);
    st_->sources[gguf_name] = std::move(source);
  }

  Status add_direct(const std::string& g, const Located& src) {
    const safetensors::TensorInfo& t = *src.t;
    if (t.shape.empty() || t.shape.size() > 4)
      return make_error(ErrorCode::kUnsupported, src.where() + " has " + std::to_string(t.shape.size()) + " dimensions");
    ONBOARD_ASSIGN_OR_RETURN(Values v, values(src));
    std::vector<int64_t> ne(t.shape.rbegin(), t.shape.rend());
    const bool q = g.ends_with(".attn_q.weight"), k = g.ends_with(".attn_k.weight");
    if (c_.arch == "llama" && (q || k)) {
      ONBOARD_ASSIGN_OR_RETURN(v, pair_rotary_rows(src, v, q ? c_.n_head : c_.n_head_kv));
    } else if (v.data == t.data) {
      report_.mapped_bytes += t.n_bytes;
    }
    add_tensor(g, v.type, std::move(ne), v.data, src.where());
    return Status::Ok();
  }

  // llama.cpp's converter permutes llama q/k rows so each head's rotary pairs (i, i + d/2)
  // become adjacent (2i, 2i+1): new row 2i + j of a head is old row j*d/2 + i.
  Expected<Values> pair_rotary_rows(const Located& src, Values v, int64_t heads) {
    const safetensors::TensorInfo& t = *src.t;
    const int64_t d = c_.head_dim;
    if (t.shape.size() != 2 || t.shape[0] != heads * d)
      return make_error(ErrorCode::kCorrupt, src.where() + " has shape " + t.shape_string() + ", expected " +
                                                 shape_of({heads * d, c_.n_embd}));
    const size_t rb = row_bytes(v.type, t.shape[1]);
    std::vector<uint8_t>& b = buffer(rb * t.shape[0]);
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < d / 2; ++i)
        for (int64_t j = 0; j < 2; ++j)
          std::memcpy(b.data() + (h * d + 2 * i + j) * rb, v.data + (h * d + j * d / 2 + i) * rb, rb);
    return Values{v.type, b.data()};
  }

  Status check_shape(const Located& src, const std::vector<int64_t>& want) const {
    if (src.t->shape != want)
      return make_error(ErrorCode::kCorrupt, src.where() + " has shape " + src.t->shape_string() + ", expected " + shape_of(want));
    return Status::Ok();
  }

  // kv_b_proj [H * (nope + v), kv_lora]: head h's first nope rows are W_UK[h], the next v rows
  // W_UV[h] (§4.2). attn_k_b holds W_UK[h]^T (ne [nope, kv_lora, H]), attn_v_b W_UV[h] (ne
  // [kv_lora, v, H]), as the converter writes an MLA GGUF.
  Status add_kv_b(int64_t layer, const Located& src) {
    const int64_t H = c_.n_head, L = c_.kv_lora_rank, nope = c_.qk_nope_dim, vd = c_.v_head_dim;
    ONBOARD_TRY(check_shape(src, {H * (nope + vd), L}));
    std::vector<uint8_t> fp8_values;
    ONBOARD_ASSIGN_OR_RETURN(Values v, values(src, &fp8_values));
    const size_t es = row_bytes(v.type, 1);
    std::vector<uint8_t>& kb = buffer(H * L * nope * es);
    std::vector<uint8_t>& vb = buffer(H * vd * L * es);
    for (int64_t h = 0; h < H; ++h) {
      for (int64_t d = 0; d < nope; ++d)
        for (int64_t c = 0; c < L; ++c)
          std::memcpy(kb.data() + ((h * L + c) * nope + d) * es, v.data + ((h * (nope + vd) + d) * L + c) * es, es);
      std::memcpy(vb.data() + h * vd * L * es, v.data + (h * (nope + vd) + nope) * L * es, vd * L * es);
    }
    const std::string p = "blk." + std::to_string(layer) + ".";
    add_tensor(p + "attn_k_b.weight", v.type, {nope, L, H}, kb.data(), src.where() + " (rows of W_UK, transposed)");
    add_tensor(p + "attn_v_b.weight", v.type, {L, vd, H}, vb.data(), src.where() + " (rows of W_UV)");
    return Status::Ok();
  }

  // mlp.experts.{e}.<proj> [out, in] for every e, stacked into ffn_<proj>_exps [in, out, E].
  Status add_expert_stack(int64_t layer, const std::string& proj,
                          const std::vector<const std::pair<const std::string, Located>*>& slot) {
    const int64_t E = c_.n_embd, F = c_.n_ff_expert, N = c_.n_expert;
    const bool down = proj == "down_proj.weight";
    const std::vector<int64_t> want = down ? std::vector<int64_t>{E, F} : std::vector<int64_t>{F, E};
    const std::string prefix = "model.layers." + std::to_string(layer) + ".mlp.experts.";
    // One type for the stack: the experts' own when they agree, else F32.
    GgmlType type = GgmlType::F32;
    for (int64_t e = 0; e < N; ++e) {
      if (static_cast<int64_t>(slot.size()) <= e || !slot[e]) return missing(prefix + std::to_string(e) + "." + proj);
      ONBOARD_TRY(check_shape(slot[e]->second, want));
      ONBOARD_ASSIGN_OR_RETURN(GgmlType t, compute_type(slot[e]->second));
      if (e == 0) {
        type = t;
      } else if (t != type) {
        type = GgmlType::F32;
      }
    }
    const int64_t rows = want[0], cols = want[1];
    const size_t slab = row_bytes(type, cols) * rows;
    std::vector<uint8_t>& b = buffer(slab * N);
    std::vector<uint8_t> fp8_values;  // one FP8 expert at a time, dequantized on its way into the stack
    for (int64_t e = 0; e < N; ++e) {
      ONBOARD_ASSIGN_OR_RETURN(Values v, values(slot[e]->second, &fp8_values));
      uint8_t* dst = b.data() + e * slab;
      if (v.type == type) {
        std::memcpy(dst, v.data, slab);
      } else {
        const size_t src_rb = row_bytes(v.type, cols);
        for (int64_t r = 0; r < rows; ++r)
          dequantize_row(v.type, v.data + r * src_rb, reinterpret_cast<float*>(dst) + r * cols, cols);
      }
    }
    const std::string g = std::string("ffn_") + proj.substr(0, proj.find('_')) + "_exps.weight";
    add_tensor("blk." + std::to_string(layer) + "." + g, type, {cols, rows, N}, b.data(),
               slot[0]->second.file->name() + ": tensors '" + prefix + "{0.." + std::to_string(N - 1) + "}." + proj + "'");
    return Status::Ok();
  }

  std::string dir_;
  HfConfig hf_;
  const ModelConfig& c_;
  HfLoadReport& report_;
  std::shared_ptr<Storage> st_;
  std::string index_name_;
  std::map<std::string, Located, std::less<>> tensors_;
  std::vector<gguf::TensorInfo> infos_;
};

struct OpenedView {
  gguf::GgufFile file;
  std::shared_ptr<Storage> storage;
  std::string index_name;
};

Expected<OpenedView> open_view(const std::string& dir, HfLoadReport* report) {
  HfLoadReport local;
  HfLoadReport& r = report ? *report : local;
  r = HfLoadReport{};
  const fs::path cfg_path = fs::path(dir) / "config.json";
  ONBOARD_ASSIGN_OR_RETURN(std::string cfg_text, read_text(cfg_path));
  ONBOARD_ASSIGN_OR_RETURN(HfConfig hf, parse_hf_config(cfg_text, cfg_path.string()));
  ViewBuilder b(dir, std::move(hf), r);
  ONBOARD_TRY(b.open_shards());
  ONBOARD_TRY(b.build());
  ONBOARD_ASSIGN_OR_RETURN(gguf::GgufFile f, b.finish());
  return OpenedView{std::move(f), b.storage(), b.index_name()};
}

}  // namespace

bool is_hf_directory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::exists(fs::path(path) / "config.json", ec);
}

Expected<gguf::GgufFile> open_hf_directory(const std::string& dir, HfLoadReport* report) {
  ONBOARD_ASSIGN_OR_RETURN(OpenedView v, open_view(dir, report));
  return std::move(v.file);
}

Expected<std::unique_ptr<Model>> load_hf_model(const std::string& dir, HfLoadReport* report) {
  ONBOARD_ASSIGN_OR_RETURN(OpenedView v, open_view(dir, report));
  auto m = load_model(std::move(v.file));
  if (m.ok()) return m;
  // The binders speak GGUF names: add the Hugging Face tensor and where it is (or is not).
  Error e = m.error();
  const size_t at = e.message.find("tensor '");
  if (at != std::string::npos) {
    const size_t end = e.message.find('\'', at + 8);
    const std::string g = e.message.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
    if (auto s = v.storage->sources.find(g); s != v.storage->sources.end()) {
      e.message += " (from " + s->second + ")";
    } else if (std::string hf = hf_name_from_gguf(g); !hf.empty()) {
      e.message += " (Hugging Face tensor '" + hf + "' is not in " + v.index_name + ")";
    }
  }
  return e;
}

std::string describe(const HfLoadReport& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.1f MiB used in place from the shards, %.1f MiB built at load", r.mapped_bytes / 1048576.0,
                r.converted_bytes / 1048576.0);
  return buf;
}

}  // namespace onboard::model
