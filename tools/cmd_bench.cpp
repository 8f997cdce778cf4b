// onboard bench: prompt processing (pp) and token generation (tg) speed in llama-bench's shape
// (-p 128 -n 64 -r 5 -t 2), so the two engines' figures can be set side by side, plus the
// memory bandwidth decode achieves. Like llama-bench it times the forward passes on random
// tokens, without sampling, after one warm-up run of each test.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "cli_options.h"
#include "commands.h"
#include "kernels/isa.h"
#include "runtime/decode_traffic.h"

namespace onboard::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Stat {
  double mean = 0, sd = 0;  // sample standard deviation, as llama-bench reports
};
Stat stat(const std::vector<double>& v) {
  Stat s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(std::max<size_t>(1, v.size()));
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(s.sd / static_cast<double>(v.size() - 1)) : 0;
  return s;
}

// "qwen2 Q4_K": the architecture and the type holding most of the weight bytes.
std::string model_description(const model::Model& m) {
  std::map<GgmlType, uint64_t> by_type;
  for (const auto& t : m.file().tensors()) by_type[t.type] += t.n_bytes;
  const auto top = std::max_element(by_type.begin(), by_type.end(),
                                    [](const auto& a, const auto& b) { return a.second < b.second; });
  std::string d = m.config().arch;
  if (top != by_type.end()) d += " " + std::string(traits(top->first).name);
  return d;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  CLI::App app{"Measure prompt processing and generation speed (llama-bench's table), and the memory bandwidth "
               "decode achieves",
               "onboard bench"};
  ModelFlags mf;
  int64_t n_prompt = 128, n_gen = 64;
  int reps = 5;
  bool json = false;
  add_model_flags(app, mf);
  app.add_option("-p,--n-prompt", n_prompt, "prompt tokens of the pp test, one forward pass (0 = skip)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  app.add_option("-n,--n-gen", n_gen, "tokens of the tg test, one forward pass each (0 = skip)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  app.add_option("-r,--repetitions", reps, "repetitions of each test (t/s is their mean ± stddev)")
      ->check(CLI::Range(1, 1000));
  app.add_flag("--json", json,
               "print one JSON object instead of the table: prefill_tok_s, decode_tok_s, their _stddev, "
               "decode_gb_s (= decode_weight_bytes_per_token × decode_tok_s / 1e9), model, threads, p, n, r");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = runtime::load(mf.model);
  if (!loaded.ok()) return fail(loaded.error());
  const double load_s = seconds_since(t0);
  const model::Model& model = *(*loaded)->model;
  SamplingFlags sf;
  auto opts = session_options(mf, sf, model.config());
  if (!opts.ok()) return fail(opts.error());
  model::StateOptions so = opts->state;
  so.n_ctx = std::max<int64_t>(so.n_ctx, n_prompt + n_gen + 1);
  so.n_batch = std::max<int64_t>(n_prompt, 1);  // the whole prompt in one pass, as llama-bench's -b 2048
  so.all_logits = false;
  auto state = model.new_state(so);
  if (!state.ok()) return fail(state.error());
  ThreadPool pool(so.n_threads);

  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> any_token(0, static_cast<int32_t>(model.config().n_vocab) - 1);
  std::vector<int32_t> prompt(static_cast<size_t>(std::max<int64_t>(n_prompt, 1)));
  for (auto& t : prompt) t = any_token(rng);

  // Seconds for the prompt in one forward pass from position 0.
  auto run_pp = [&]() -> Expected<double> {
    const auto t = std::chrono::steady_clock::now();
    ONBOARD_TRY(model.forward(**state, prompt, 0, pool));
    return seconds_since(t);
  };
  // Seconds for `count` one-token forward passes from position 0.
  auto run_tg = [&](int64_t count) -> Expected<double> {
    const auto t = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < count; ++i) {
      const int32_t token = prompt[static_cast<size_t>(i) % prompt.size()];
      ONBOARD_TRY(model.forward(**state, std::span<const int32_t>(&token, 1), i, pool));
    }
    return seconds_since(t);
  };

  // Warm-up (page faults of a cold file, caches, thread start), then the timed repetitions.
  std::vector<double> pp, tg;
  for (int r = -1; r < reps; ++r) {
    if (n_prompt > 0) {
      auto s = run_pp();
      if (!s.ok()) return fail(s.error());
      if (r >= 0) pp.push_back(static_cast<double>(n_prompt) / *s);
    }
    if (n_gen > 0) {
      auto s = run_tg(r < 0 ? std::min<int64_t>(n_gen, 4) : n_gen);
      if (!s.ok()) return fail(s.error());
      if (r >= 0) tg.push_back(static_cast<double>(n_gen) / *s);
    }
  }

  const uint64_t size = runtime::weight_bytes(model);
  const uint64_t params = runtime::parameter_count(model);
  const uint64_t bytes_per_token = runtime::decode_weight_bytes_per_token(model);
  const Stat pps = stat(pp), tgs = stat(tg);
  const double gb_s = static_cast<double>(bytes_per_token) * tgs.mean / 1e9;
  const std::string isa = kernels::isa_name(kernels::selected_isa());

  if (json) {
    nlohmann::ordered_json j;
    j["model"] = mf.model;
    j["model_type"] = model_description(model);
    j["model_size"] = size;
    j["model_n_params"] = params;
    j["backend"] = "CPU";
    j["isa"] = isa;
    j["threads"] = so.n_threads;
    j["p"] = n_prompt;
    j["n"] = n_gen;
    j["r"] = reps;
    j["load_s"] = load_s;
    j["prefill_tok_s"] = n_prompt > 0 ? nlohmann::ordered_json(pps.mean) : nlohmann::ordered_json();
    j["prefill_tok_s_stddev"] = n_prompt > 0 ? nlohmann::ordered_json(pps.sd) : nlohmann::ordered_json();
    j["decode_tok_s"] = n_gen > 0 ? nlohmann::ordered_json(tgs.mean) : nlohmann::ordered_json();
    j["decode_tok_s_stddev"] = n_gen > 0 ? nlohmann::ordered_json(tgs.sd) : nlohmann::ordered_json();
    j["decode_weight_bytes_per_token"] = bytes_per_token;
    j["decode_gb_s"] = n_gen > 0 ? nlohmann::ordered_json(gb_s) : nlohmann::ordered_json();
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }

  std::printf("| %-20s | %10s | %8s | %-12s | %7s | %6s | %16s |\n", "model", "size", "params", "backend", "threads",
              "test", "t/s");
  std::printf("| -------------------- | ---------: | -------: | ------------ | ------: | -----: | ---------------: |\n");
  const std::string desc = model_description(model);
  const std::string backend = "CPU " + isa;
  auto row = [&](const char* kind, int64_t tokens, const Stat& s) {
    const std::string test = kind + std::to_string(tokens);
    const bool billions = params >= 1000000000u;
    std::printf("| %-20s | %6.2f GiB | %6.2f %s | %-12s | %7d | %6s | %7.2f ± %6.2f |\n", desc.c_str(),
                static_cast<double>(size) / 1073741824.0, static_cast<double>(params) / (billions ? 1e9 : 1e6),
                billions ? "B" : "M", backend.c_str(), so.n_threads, test.c_str(), s.mean, s.sd);
  };
  if (n_prompt > 0) row("pp", n_prompt, pps);
  if (n_gen > 0) row("tg", n_gen, tgs);
  std::printf("\nload %.3f s; decode reads %.3f GiB of weights per token", load_s,
              static_cast<double>(bytes_per_token) / 1073741824.0);
  if (n_gen > 0) std::printf(" -> %.2f GB/s achieved", gb_s);
  std::printf(" (weights only: the embedding as one row unless tied, MoE experts as the used share)\n");
  return 0;
}

}  // namespace onboard::cli
