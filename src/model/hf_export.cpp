#include "model/hf_export.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "format/safetensors_writer.h"
#include "model/hf_config.h"
#include "model/hf_tensor_names.h"
#include "model/model_config.h"
#include "tensor/dequantize.h"
#include "tensor/fp8.h"
#include "tensor/quantize.h"
#include "text/gguf_vocab.h"

namespace onboard::model {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// One Hugging Face tensor: its GGUF-typed elements in row-major [shape] order, produced on
// demand (one tensor's worth of memory at a time).
struct OutTensor {
  std::string name;
  GgmlType type;  // F32, F16 or BF16
  std::vector<int64_t> shape;
  std::function<void(uint8_t* dst)> fill;
  bool fp8 = false;

  int64_t count() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
};

const char* dtype_name(GgmlType t) { return t == GgmlType::F32 ? "F32" : t == GgmlType::F16 ? "F16" : "BF16"; }

// The tensor's elements as F32/F16/BF16 bytes: in place, or dequantized to F32.
struct Elements {
  GgmlType type;
  size_t esize;
  const uint8_t* data;
  std::shared_ptr<std::vector<float>> owned;
};

Elements elements_of(const gguf::TensorInfo& t) {
  if (t.type == GgmlType::F32 || t.type == GgmlType::F16 || t.type == GgmlType::BF16)
    return {t.type, row_bytes(t.type, 1), t.data, nullptr};
  auto v = std::make_shared<std::vector<float>>(t.n_elements());
  const size_t rb = row_bytes(t.type, t.ne[0]);
  for (int64_t r = 0; r < t.rows(); ++r) dequantize_row(t.type, t.data + r * rb, v->data() + r * t.ne[0], t.ne[0]);
  return {GgmlType::F32, sizeof(float), reinterpret_cast<const uint8_t*>(v->data()), v};
}

// A GGUF tensor as one Hugging Face tensor, rows taken through `src_row` (identity unless
// reordered): shape [rows, ne0] (or [ne0] for 1-D).
OutTensor plain(const gguf::TensorInfo& t, const std::string& hf, std::function<int64_t(int64_t)> src_row = nullptr) {
  OutTensor o{hf, elements_of(t).type, {}, nullptr};
  if (t.n_dims <= 1) o.shape = {t.ne[0]};
  else o.shape = {t.rows(), t.ne[0]};
  const gguf::TensorInfo* tp = &t;
  o.fill = [tp, src_row](uint8_t* dst) {
    const Elements e = elements_of(*tp);
    const size_t rb = e.esize * tp->ne[0];
    for (int64_t r = 0; r < tp->rows(); ++r)
      std::memcpy(dst + r * rb, e.data + (src_row ? src_row(r) : r) * rb, rb);
  };
  return o;
}

class Exporter {
 public:
  Exporter(const gguf::GgufFile& f, const ModelConfig& c, const HfExportOptions& o) : f_(f), c_(c), o_(o) {}

  Status collect() {
    for (const gguf::TensorInfo& t : f_.tensors()) {
      const std::string g(t.name);
      int64_t layer = -1;
      std::string rest;
      if (g.starts_with("blk.")) {
        const size_t dot = g.find('.', 4);
        layer = std::atoll(g.substr(4, dot - 4).c_str());
        rest = g.substr(dot + 1);
      }
      const std::string hl = "model.layers." + std::to_string(layer) + ".";
      if (g == "rope_freqs.weight" || rest == "attn_v_b.weight") continue;  // in config.json / with attn_k_b
      if (rest == "attn_k_b.weight") {
        ONBOARD_TRY(add_kv_b(layer, t));
      } else if (rest == "attn_kv_b.weight") {
        add(plain(t, hl + "self_attn.kv_b_proj.weight"));
      } else if (rest.ends_with("_exps.weight")) {
        add_experts(t, hl + "mlp.experts.", rest.substr(4, rest.find('_', 4) - 4) + "_proj.weight");
      } else if (c_.arch == "llama" && (rest == "attn_q.weight" || rest == "attn_k.weight")) {
        // Undo the converter's pairing: Hugging Face row j*d/2 + i is GGUF row 2i + j.
        const int64_t d = c_.head_dim;
        add(plain(t, gguf_hf(g), [d](int64_t r) {
          const int64_t h = r / d, w = r % d, j = w / (d / 2), i = w % (d / 2);
          return h * d + 2 * i + j;
        }));
      } else {
        const std::string hf = hf_name_from_gguf(g);
        if (hf.empty()) return make_error(ErrorCode::kUnsupported, f_.name() + ": tensor '" + g + "' has no Hugging Face name");
        add(plain(t, hf));
      }
    }
    return Status::Ok();
  }

  Expected<HfExportResult> write(const fs::path& dir) {
    HfExportResult r;
    const int n_shards = std::max(1, std::min<int>(o_.n_shards, static_cast<int>(out_.size())));
    uint64_t total = 0;
    for (const auto& t : out_) total += bytes_of(t);
    std::vector<safetensors::SafetensorsWriter> shards(n_shards);
    json weight_map = json::object();
    uint64_t done = 0;
    auto shard_name = [&](int k) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "model-%05d-of-%05d.safetensors", k + 1, n_shards);
      return std::string(buf);
    };
    for (size_t i = 0; i < out_.size(); ++i) {
      const OutTensor& t = out_[i];
      // Shard k takes tensors until it holds its share; every shard gets at least one.
      int k = static_cast<int>(done * n_shards / std::max<uint64_t>(total, 1));
      k = std::max(k, n_shards - static_cast<int>(out_.size() - i));
      k = std::min(k, n_shards - 1);
      done += bytes_of(t);
      ONBOARD_TRY(add_to(shards[k], t, r));
      weight_map[t.name] = shard_name(k);
      if (t.fp8) weight_map[t.name + "_scale_inv"] = shard_name(k);
    }
    for (int k = 0; k < n_shards; ++k) {
      r.bytes += shards[k].data_bytes();
      ONBOARD_TRY(shards[k].write((dir / shard_name(k)).string()));
    }
    ONBOARD_TRY(write_text(dir / "model.safetensors.index.json",
                           json{{"metadata", {{"total_size", r.bytes}}}, {"weight_map", weight_map}}.dump(2)));
    return r;
  }

  static Status write_text(const fs::path& p, const std::string& text) {
    const fs::path tmp = p.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary);
      out << text;
      if (!out.flush()) return make_error(ErrorCode::kIo, tmp.string() + ": write failed");
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
    if (ec) return make_error(ErrorCode::kIo, p.string() + ": rename failed: " + ec.message());
    return Status::Ok();
  }

 private:
  void add(OutTensor t) {
    // FP8 for the 2-D projections, as DeepSeek's Linear layers; not embeddings, head or router.
    t.fp8 = o_.fp8 && t.shape.size() == 2 && t.name != "model.embed_tokens.weight" && t.name != "lm_head.weight" &&
            !t.name.ends_with("mlp.gate.weight");
    out_.push_back(std::move(t));
  }

  static uint64_t bytes_of(const OutTensor& t) {
    return t.fp8 ? t.count() : t.count() * row_bytes(t.type, 1);
  }

  std::string gguf_hf(const std::string& g) const { return hf_name_from_gguf(g); }

  // attn_k_b (W_UK^T per head, ne [nope, L, H]) and attn_v_b (ne [L, vd, H]) back into
  // kv_b_proj [H * (nope + vd), L].
  Status add_kv_b(int64_t layer, const gguf::TensorInfo& kb) {
    const std::string p = "blk." + std::to_string(layer) + ".";
    const gguf::TensorInfo* vb = f_.find_tensor(p + "attn_v_b.weight");
    if (!vb) return make_error(ErrorCode::kCorrupt, f_.name() + ": tensor '" + p + "attn_v_b.weight' is missing");
    const int64_t nope = kb.ne[0], L = kb.ne[1], H = kb.ne[2], vd = vb->ne[1];
    if (vb->ne[0] != L || vb->ne[2] != H)
      return make_error(ErrorCode::kCorrupt, f_.name() + ": attn_k_b " + kb.shape_string() + " and attn_v_b " +
                                                 vb->shape_string() + " of layer " + std::to_string(layer) + " do not agree");
    const gguf::TensorInfo* k = &kb;
    OutTensor o{"model.layers." + std::to_string(layer) + ".self_attn.kv_b_proj.weight", elements_of(kb).type,
                {H * (nope + vd), L}, nullptr};
    const GgmlType type = o.type;
    o.fill = [k, vb, nope, L, H, vd, type](uint8_t* dst) {
      const Elements ke = elements_of(*k), ve = elements_of(*vb);
      std::vector<float> row(L);
      const size_t es = row_bytes(type, 1);
      for (int64_t h = 0; h < H; ++h) {
        for (int64_t d = 0; d < nope; ++d)
          for (int64_t c = 0; c < L; ++c)
            std::memcpy(dst + ((h * (nope + vd) + d) * L + c) * es, ke.data + ((h * L + c) * nope + d) * ke.esize, es);
        // W_UV rows; converted when attn_v_b's type differs from attn_k_b's.
        for (int64_t d = 0; d < vd; ++d) {
          uint8_t* out = dst + (h * (nope + vd) + nope + d) * L * es;
          const uint8_t* in = ve.data + (h * vd + d) * L * ve.esize;
          if (ve.type == type) {
            std::memcpy(out, in, L * es);
          } else {
            dequantize_row(ve.type, in, row.data(), L);
            quantize_row(type, row.data(), out, L);
          }
        }
      }
    };
    add(std::move(o));
    return Status::Ok();
  }

  void add_experts(const gguf::TensorInfo& t, const std::string& prefix, const std::string& proj) {
    const int64_t cols = t.ne[0], rows = t.ne[1];
    const gguf::TensorInfo* tp = &t;
    for (int64_t e = 0; e < t.ne[2]; ++e) {
      OutTensor o{prefix + std::to_string(e) + "." + proj, elements_of(t).type, {rows, cols}, nullptr};
      o.fill = [tp, e, rows, cols](uint8_t* dst) {
        const Elements el = elements_of(*tp);
        std::memcpy(dst, el.data + e * rows * cols * el.esize, rows * cols * el.esize);
      };
      add(std::move(o));
    }
  }

  Status add_to(safetensors::SafetensorsWriter& w, const OutTensor& t, HfExportResult& r) {
    ++r.n_tensors;
    if (!t.fp8) {
      const OutTensor* tp = &t;
      return w.add_tensor(t.name, dtype_name(t.type), t.shape, [tp](std::span<uint8_t> dst) {
        tp->fill(dst.data());
        return Status::Ok();
      });
    }
    ++r.n_fp8;
    ++r.n_tensors;
    const int64_t rows = t.shape[0], cols = t.shape[1];
    const int64_t srows = (rows + kFp8BlockSize - 1) / kFp8BlockSize, scols = (cols + kFp8BlockSize - 1) / kFp8BlockSize;
    // Both tensors come from one quantization; each fill redoes it to keep one tensor in memory.
    auto quantize = [&t, rows, cols, srows, scols](std::vector<uint8_t>& q, std::vector<float>& s) {
      std::vector<uint8_t> native(t.count() * row_bytes(t.type, 1));
      t.fill(native.data());
      std::vector<float> w(t.count());
      dequantize_row(t.type, native.data(), w.data(), t.count());
      q.resize(rows * cols);
      s.resize(srows * scols);
      quantize_fp8_blocks(w.data(), rows, cols, q.data(), s.data());
    };
    ONBOARD_TRY(w.add_tensor(t.name, "F8_E4M3", t.shape, [quantize](std::span<uint8_t> dst) {
      std::vector<uint8_t> q;
      std::vector<float> s;
      quantize(q, s);
      std::memcpy(dst.data(), q.data(), q.size());
      return Status::Ok();
    }));
    return w.add_tensor(t.name + "_scale_inv", "F32", {srows, scols}, [quantize](std::span<uint8_t> dst) {
      std::vector<uint8_t> q;
      std::vector<float> s;
      quantize(q, s);
      std::memcpy(dst.data(), s.data(), s.size() * sizeof(float));
      return Status::Ok();
    });
  }

  const gguf::GgufFile& f_;
  const ModelConfig& c_;
  const HfExportOptions& o_;
  std::vector<OutTensor> out_;
};

// tokenizer_config.json from the GGUF's tokenizer keys: BOS/EOS as token strings, add_bos,
// the chat template.
Expected<std::string> tokenizer_config(const gguf::GgufFile& f) {
  ONBOARD_ASSIGN_OR_RETURN(text::VocabData v, text::vocab_from_gguf(f));
  json j;
  j["add_bos_token"] = v.add_bos;
  j["add_eos_token"] = v.add_eos;
  auto token = [&](int32_t id) { return id >= 0 && id < static_cast<int32_t>(v.tokens.size()) ? json(v.tokens[id]) : json(nullptr); };
  j["bos_token"] = token(v.bos_id);
  j["eos_token"] = token(v.eos_id);
  if (v.pad_id >= 0) j["pad_token"] = token(v.pad_id);
  if (!v.chat_template.empty()) j["chat_template"] = v.chat_template;
  j["tokenizer_class"] = "PreTrainedTokenizerFast";
  return j.dump(2);
}

}  // namespace

Expected<HfExportResult> write_hf_directory(const gguf::GgufFile& file, const std::string& dir,
                                            const HfExportOptions& options) {
  ONBOARD_ASSIGN_OR_RETURN(ModelConfig c, read_config(file));
  json config = options.config;
  if (config.is_null()) {
    const gguf::TensorInfo* embd = file.find_tensor("token_embd.weight");
    ONBOARD_ASSIGN_OR_RETURN(config, hf_config_json(c, embd ? embd->ne[1] : c.n_vocab, options.rope_scaling));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kIo, dir + ": cannot create: " + ec.message());
  Exporter ex(file, c, options);
  ONBOARD_TRY(ex.collect());
  ONBOARD_ASSIGN_OR_RETURN(HfExportResult r, ex.write(dir));
  ONBOARD_TRY(Exporter::write_text(fs::path(dir) / "config.json", config.dump(2)));
  if (!options.tokenizer.empty()) {
    fs::path src = options.tokenizer;
    if (fs::is_directory(src, ec)) src /= "tokenizer.json";
    fs::copy_file(src, fs::path(dir) / "tokenizer.json", fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error(ErrorCode::kIo, src.string() + ": cannot copy to " + dir + ": " + ec.message());
    fs::permissions(fs::path(dir) / "tokenizer.json", fs::perms::owner_write, fs::perm_options::add, ec);
    ONBOARD_ASSIGN_OR_RETURN(std::string tc, tokenizer_config(file));
    ONBOARD_TRY(Exporter::write_text(fs::path(dir) / "tokenizer_config.json", tc));
  }
  return r;
}

}  // namespace onboard::model
