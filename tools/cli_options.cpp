#include "cli_options.h"

#include "runtime/recommended_sampling.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace onboard::cli {

void add_model_flags(CLI::App& app, ModelFlags& f) {
  app.add_option("-m,--model", f.model, "model: a GGUF file or a Hugging Face directory (config.json + safetensors)")->required();
  app.add_option("-t,--threads", f.threads, "threads (default: all cores)");
  app.add_option("-c,--ctx-size", f.ctx, "context size in tokens (KV cache planned for it)");
  app.add_option("-b,--batch-size", f.batch, "prompt tokens per forward pass");
  app.add_option("--kv-type", f.kv_type, "KV cache storage: f32 or f16")->check(CLI::IsMember({"f32", "f16"}));
}

void add_sampling_flags(CLI::App& app, SamplingFlags& f) {
  app.add_option("--temp", f.temp, "temperature (0 = greedy)");
  app.add_option("--top-p", f.top_p, "nucleus sampling mass");
  app.add_option("--top-k", f.top_k, "keep the k most likely tokens (0 = off)");
  app.add_option("--min-p", f.min_p, "drop tokens below min-p x the best probability");
  app.add_option("--repeat-penalty", f.repeat_penalty, "repetition penalty (1 = off)");
  app.add_option("--presence-penalty", f.presence_penalty, "presence penalty");
  app.add_option("--frequency-penalty", f.frequency_penalty, "frequency penalty");
  app.add_option("-s,--seed", f.seed, "random seed (default: random)");
}

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

runtime::SamplerParams sampler_params(const model::ModelConfig& c, const SamplingFlags& f) {
  runtime::SamplerParams p = runtime::recommended_sampling(c);
  if (f.temp) p.temperature = *f.temp;
  if (f.top_p) p.top_p = *f.top_p;
  if (f.top_k) p.top_k = *f.top_k;
  if (f.min_p) p.min_p = *f.min_p;
  if (f.repeat_penalty) p.repetition_penalty = *f.repeat_penalty;
  if (f.presence_penalty) p.presence_penalty = *f.presence_penalty;
  if (f.frequency_penalty) p.frequency_penalty = *f.frequency_penalty;
  p.seed = f.seed ? *f.seed
                  : static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());
  return p;
}

Expected<runtime::SessionOptions> session_options(const ModelFlags& m, const SamplingFlags& s,
                                                  const model::ModelConfig& config) {
  runtime::SessionOptions o;
  if (m.ctx <= 0) return make_error(ErrorCode::kInvalidArgument, "-c must be positive");
  o.state.n_ctx = m.ctx;
  o.state.n_batch = m.batch;
  o.state.n_threads = resolve_threads(m.threads);
  o.state.kv_type = m.kv_type == "f32" ? GgmlType::F32 : GgmlType::F16;
  o.sampling = sampler_params(config, s);
  return o;
}

int fail(const Error& e) {
  std::fprintf(stderr, "onboard: %s\n", e.message.c_str());
  return 1;
}

}  // namespace onboard::cli
