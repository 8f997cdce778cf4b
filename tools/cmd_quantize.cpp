// onboard quantize IN.gguf OUT.gguf TYPE [--threads N]: converts a GGUF to a llama.cpp file
// type with its usual per-tensor mixture (format/quantize_file.h).
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "format/quantize_file.h"
#include "tensor/quant_mixture.h"

namespace onboard::cli {

int cmd_quantize(int argc, char** argv) {
  CLI::App app{"Convert a GGUF model to another type mixture", "onboard quantize"};
  std::string in, out, type;
  int threads = 0;
  app.add_option("input", in, "input GGUF file")->required();
  app.add_option("output", out, "output GGUF file")->required();
  app.add_option("type", type, "one of: " + quant_mix_names())->required();
  app.add_option("-t,--threads", threads, "threads (0 = all cores)");
  CLI11_PARSE(app, argc, argv);

  gguf::QuantizeOptions o;
  o.threads = resolve_threads(threads);
  auto s = gguf::quantize_file(in, out, type, o);
  if (!s.ok()) return fail(s.error());
  std::printf("%s -> %s (%s): %d tensors, %d converted, %d copied", in.c_str(), out.c_str(), s->mix.c_str(),
              s->n_tensors, s->n_converted, s->n_copied);
  if (s->n_fallback) std::printf(", %d with a fallback type (row length)", s->n_fallback);
  std::printf("\n  types:");
  for (const auto& [name, n] : s->out_types) std::printf(" %s %d", name.c_str(), n);
  std::printf("\n  size: %.1f MiB -> %.1f MiB (%.2fx), %.1f s\n", s->file_bytes_in / 1048576.0,
              s->file_bytes_out / 1048576.0,
              s->file_bytes_out ? static_cast<double>(s->file_bytes_in) / s->file_bytes_out : 0.0, s->seconds);
  return 0;
}

}  // namespace onboard::cli
