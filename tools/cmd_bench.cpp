// onboard bench: load time, prompt processing (pp) and token generation (tg) speed, in the
// manner of llama-bench (-p 128 -n 64 -t 2), so figures can be set side by side.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "cli_options.h"
#include "commands.h"
#include "kernels/isa.h"

namespace onboard::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Stat {
  double mean = 0, sd = 0;
};
Stat stat(const std::vector<double>& v) {
  Stat s;
  for (double x : v) s.mean += x;
  s.mean /= std::max<size_t>(1, v.size());
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(s.sd / (v.size() - 1)) : 0;
  return s;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  CLI::App app{"Measure load time, prompt processing and generation speed", "onboard bench"};
  ModelFlags mf;
  int64_t n_prompt = 128, n_gen = 64;
  int reps = 3;
  add_model_flags(app, mf);
  app.add_option("-p,--n-prompt", n_prompt, "prompt tokens (pp test; 0 = skip)");
  app.add_option("-n,--n-gen", n_gen, "generated tokens (tg test; 0 = skip)");
  app.add_option("-r,--repetitions", reps, "repetitions of each test");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = runtime::load(mf.model);
  if (!loaded.ok()) return fail(loaded.error());
  const double load_s = seconds_since(t0);
  runtime::LoadedModel& lm = **loaded;
  SamplingFlags sf;
  sf.temp = 0.0f;
  auto opts = session_options(mf, sf, lm.model->config());
  if (!opts.ok()) return fail(opts.error());
  opts->state.n_ctx = std::max<int64_t>(opts->state.n_ctx, n_prompt + n_gen + 1);
  opts->state.n_batch = std::max<int64_t>(opts->state.n_batch, n_prompt);
  ThreadPool pool(opts->state.n_threads);
  auto session = runtime::Session::create(*lm.model, lm.tokenizer, *opts, pool);
  if (!session.ok()) return fail(session.error());
  runtime::Session& s = **session;

  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> any_token(0, lm.tokenizer.n_vocab() - 1);
  std::vector<int32_t> prompt(std::max<int64_t>(n_prompt, 1));
  for (auto& t : prompt) t = any_token(rng);

  // One warm-up pass of each kind (page faults of a cold file, caches).
  if (auto st = s.prefill(std::span<const int32_t>(prompt.data(), 1)); !st.ok()) return fail(st.error());
  s.reset();

  std::vector<double> pp, tg;
  for (int r = 0; r < reps; ++r) {
    if (n_prompt > 0) {
      s.reset();
      const auto t = std::chrono::steady_clock::now();
      if (auto st = s.prefill(prompt); !st.ok()) return fail(st.error());
      pp.push_back(n_prompt / seconds_since(t));
    }
    if (n_gen > 0) {
      s.reset();
      if (auto st = s.prefill(std::span<const int32_t>(prompt.data(), 1)); !st.ok()) return fail(st.error());
      const auto t = std::chrono::steady_clock::now();
      auto res = s.generate(n_gen + 1, nullptr);  // n_gen forward passes after the first sample
      if (!res.ok()) return fail(res.error());
      tg.push_back(static_cast<double>(res->tokens.size() - 1) / seconds_since(t));
    }
  }

  const auto& c = lm.model->config();
  uint64_t weight_bytes = 0;
  for (const auto& t : lm.model->file().tensors()) weight_bytes += t.n_bytes;
  std::printf("model: %s (%s, %.2f GiB of weights), threads %d, ISA %s, KV %s\n", mf.model.c_str(), c.arch.c_str(),
              weight_bytes / 1073741824.0, opts->state.n_threads, kernels::isa_name(kernels::selected_isa()),
              mf.kv_type.c_str());
  std::printf("load: %.3f s\n", load_s);
  std::printf("| test  |          t/s |\n|-------|--------------|\n");
  if (!pp.empty()) {
    const Stat st = stat(pp);
    std::printf("| pp%-3lld | %7.2f ± %.2f |\n", static_cast<long long>(n_prompt), st.mean, st.sd);
  }
  if (!tg.empty()) {
    const Stat st = stat(tg);
    std::printf("| tg%-3lld | %7.2f ± %.2f |\n", static_cast<long long>(n_gen), st.mean, st.sd);
  }
  return 0;
}

}  // namespace onboard::cli
