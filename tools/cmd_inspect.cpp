// onboard inspect FILE|DIR: metadata and tensor table of a GGUF file (or of the GGUF view of a
// Hugging Face directory), and what a loaded model would cost (weights by type, KV cache
// bytes per token).
#include <cstdio>
#include <map>

#include "cli_options.h"
#include "commands.h"
#include "format/gguf.h"
#include "model/hf_directory.h"
#include "model/model_config.h"

namespace onboard::cli {
namespace {

std::string value_string(const gguf::Value& v) {
  using gguf::ValueType;
  switch (v.type) {
    case ValueType::STRING: {
      std::string s(v.str.substr(0, 60));
      for (char& c : s)
        if (c == '\n') c = ' ';
      return "\"" + s + (v.str.size() > 60 ? "...\" (" + std::to_string(v.str.size()) + " bytes)" : "\"");
    }
    case ValueType::ARRAY: {
      std::string s = "[" + std::string(gguf::value_type_name(v.elem_type)) + " x " + std::to_string(v.count) + "]";
      if (v.elem_type == ValueType::STRING && v.count)
        s += " \"" + std::string(v.strings[0].substr(0, 20)) + "\", ...";
      return s;
    }
    case ValueType::FLOAT32: case ValueType::FLOAT64: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", v.f);
      return buf;
    }
    case ValueType::BOOL: return v.b ? "true" : "false";
    case ValueType::UINT64: return std::to_string(v.u);
    default: return std::to_string(v.i);
  }
}

}  // namespace

int cmd_inspect(int argc, char** argv) {
  CLI::App app{"Show a model file's metadata and tensor table", "onboard inspect"};
  std::string path;
  bool no_tensors = false;
  app.add_option("file", path, "GGUF file, or a Hugging Face directory (shown as the GGUF it maps to)")->required();
  app.add_flag("--no-tensors", no_tensors, "metadata only");
  CLI11_PARSE(app, argc, argv);

  model::HfLoadReport hf;
  const bool is_hf = model::is_hf_directory(path);
  auto f = is_hf ? model::open_hf_directory(path, &hf) : gguf::GgufFile::open(path);
  if (!f.ok()) return fail(f.error());
  if (is_hf) {
    std::printf("%s: Hugging Face directory, shown as the GGUF it maps to: %zu metadata keys, %zu tensors; %s\n",
                path.c_str(), f->metadata().size(), f->tensors().size(), model::describe(hf).c_str());
    for (const auto& n : hf.notes) std::printf("  %s\n", n.c_str());
  } else {
    std::printf("%s: GGUF v%u, %zu metadata keys, %zu tensors, alignment %u, data at byte %llu\n", path.c_str(),
                f->version(), f->metadata().size(), f->tensors().size(), f->alignment(),
                static_cast<unsigned long long>(f->data_offset()));
  }
  std::printf("\nmetadata:\n");
  for (const auto& kv : f->metadata())
    std::printf("  %-48s %-8s %s\n", std::string(kv.key).c_str(), std::string(gguf::value_type_name(kv.value.type)).c_str(),
                value_string(kv.value).c_str());

  std::map<std::string, std::pair<uint64_t, int>> by_type;
  uint64_t total = 0;
  for (const auto& t : f->tensors()) {
    auto& e = by_type[std::string(traits(t.type).name)];
    e.first += t.n_bytes;
    e.second++;
    total += t.n_bytes;
  }
  if (!no_tensors) {
    std::printf("\ntensors:\n");
    for (const auto& t : f->tensors())
      std::printf("  %-40s %-8s %-24s %10.3f MiB\n", std::string(t.name).c_str(), std::string(traits(t.type).name).c_str(),
                  t.shape_string().c_str(), t.n_bytes / 1048576.0);
  }
  std::printf("\nweights: %.1f MiB in all;", total / 1048576.0);
  for (const auto& [name, e] : by_type) std::printf(" %s %d (%.1f MiB)", name.c_str(), e.second, e.first / 1048576.0);
  std::printf("\n");
  if (auto c = model::read_config(*f); c.ok()) {
    const int64_t kv_values = model::kv_values_per_token(*c);
    std::printf("model: %s, %lld layers, embedding %lld, heads %lld/%lld (head size %lld), ffn %lld, vocab %lld\n",
                c->arch.c_str(), static_cast<long long>(c->n_layer), static_cast<long long>(c->n_embd),
                static_cast<long long>(c->n_head), static_cast<long long>(c->n_head_kv), static_cast<long long>(c->head_dim),
                static_cast<long long>(c->n_ff), static_cast<long long>(c->n_vocab));
    std::printf("KV cache%s: %lld values per token = %lld bytes/token at F16 (%lld at F32)\n",
                c->kv_lora_rank > 0 ? " (MLA latent c_kv + k_pe)" : "", static_cast<long long>(kv_values),
                static_cast<long long>(kv_values * 2), static_cast<long long>(kv_values * 4));
    if (c->kv_lora_rank > 0) {
      const int64_t mha = model::mha_kv_values_per_token(*c);
      std::printf("  a full MHA cache would hold %lld values per token (%lld bytes at F16): %.1fx the latent cache\n",
                  static_cast<long long>(mha), static_cast<long long>(mha * 2),
                  static_cast<double>(mha) / static_cast<double>(kv_values));
    }
    if (c->n_nextn > 0) {
      // The MTP modules' tensors (§4.6): blocks n_layer.. of the file.
      uint64_t bytes = 0;
      int n = 0;
      for (const auto& t : f->tensors()) {
        const std::string name(t.name);
        for (int64_t k = 0; k < c->n_nextn; ++k)
          if (name.rfind("blk." + std::to_string(c->n_layer + k) + ".", 0) == 0) {
            bytes += t.n_bytes;
            ++n;
          }
      }
      std::printf("MTP: %lld multi-token-prediction module(s) after the %lld main layers (blk.%lld..), %d tensors, "
                  "%.1f MiB; loaded, not used by generation yet\n",
                  static_cast<long long>(c->n_nextn), static_cast<long long>(c->n_layer),
                  static_cast<long long>(c->n_layer), n, bytes / 1048576.0);
    }
  } else {
    std::printf("model: not runnable by this build: %s\n", c.error().message.c_str());
  }
  return 0;
}

}  // namespace onboard::cli
