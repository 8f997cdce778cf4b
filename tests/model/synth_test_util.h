// Helpers shared by the synth and quantize tests: where the tokenizers are, a small model
// shape for quick files, logits of a model on a prompt, and running the CLI.
#pragma once

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>
#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "format/gguf.h"
#include "model/model.h"
#include "model/synth_presets.h"
#include "runtime/loaded_model.h"
#include "runtime/sampler.h"

namespace onboard::synth_test {

// Where synth looks for tokenizers: the fixtures root when it has them, else the source tree
// (node_modules stand-ins).
inline std::string tokenizer_hint() {
  const std::string fixtures = ONBOARD_FIXTURES_DIR;
  if (std::filesystem::exists(fixtures + "/tokenizer/r1-qwen/tokenizer.json")) return fixtures;
  return ONBOARD_SOURCE_DIR;
}

// A directory of this process's own (ctest runs the tests of one suite in parallel processes).
inline std::string work_dir(const std::string& name) {
  const std::string d = std::string(ONBOARD_BINARY_DIR) + "/test-synth/" + name + "-" + std::to_string(getpid());
  std::filesystem::create_directories(d);
  return d;
}

// A Qwen2-shaped model small enough to quantize 12 times in a unit test: every K-quant rule
// applies (row length 256), 8 layers (use_more_bits picks layers 0, 3, 6, 7), and a 320-wide
// ffn_down row exercises the 32-block fallbacks. A small vocabulary needs
// SynthOptions::no_tokenizer (the real tokenizer pads the rows to its 151665 tokens).
inline model::SynthPreset small_qwen2(int64_t n_vocab = 151936) {
  model::SynthPreset p = *model::find_synth_preset("r1-distill-qwen-1.5b");
  p.name = "test-small-qwen2";
  p.display_name = "Test Small Qwen2";
  p.n_embd = 256;
  p.n_head = 2;
  p.n_head_kv = 1;
  p.n_ff = 320;
  p.n_layer = 8;
  p.n_vocab = n_vocab;
  return p;
}

// A model file opened without its tokenizer (files written with no_tokenizer).
inline std::unique_ptr<model::Model> open_model(const std::string& path, std::string* error) {
  auto f = gguf::GgufFile::open(path);
  if (!f.ok()) {
    *error = f.error().message;
    return nullptr;
  }
  auto m = model::load_model(std::move(*f));
  if (!m.ok()) {
    *error = m.error().message;
    return nullptr;
  }
  return std::move(*m);
}

struct Logits {
  std::vector<std::vector<float>> rows;  // one per prompt position
  std::vector<int32_t> greedy;           // tokens generated greedily after the prompt
};

// All prompt positions' logits and n_gen greedy tokens.
inline Logits run_prompt(const model::Model& m, const std::vector<int32_t>& prompt, int n_gen, int threads = 2) {
  Logits out;
  model::StateOptions opt;
  opt.n_ctx = 64;
  opt.n_batch = 32;
  opt.n_threads = threads;
  opt.all_logits = true;
  auto state = m.new_state(opt);
  if (!state.ok()) return out;
  ThreadPool pool(threads);
  model::ForwardState& s = **state;
  if (!m.forward(s, prompt, 0, pool).ok()) return out;
  for (int64_t i = 0; i < s.n_logits(); ++i) out.rows.emplace_back(s.logits(i), s.logits(i) + s.n_vocab());
  int64_t pos = static_cast<int64_t>(prompt.size());
  int32_t tok = runtime::Sampler::argmax(out.rows.back().data(), s.n_vocab());
  for (int k = 0; k < n_gen; ++k) {
    out.greedy.push_back(tok);
    if (!m.forward(s, std::span<const int32_t>(&tok, 1), pos++, pool).ok()) break;
    tok = runtime::Sampler::argmax(s.logits(s.n_logits() - 1), s.n_vocab());
  }
  return out;
}

struct Distance {
  double rel_rms = 0;     // ||q - r|| / ||r|| over every position and vocabulary entry
  double top1_agree = 0;  // fraction of positions whose argmax agrees
  double max_abs = 0;
};

inline Distance distance(const Logits& q, const Logits& r) {
  Distance d;
  double num = 0, den = 0;
  int agree = 0;
  const size_t n = std::min(q.rows.size(), r.rows.size());
  for (size_t p = 0; p < n; ++p) {
    const auto& a = q.rows[p];
    const auto& b = r.rows[p];
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      const double e = static_cast<double>(a[i]) - b[i];
      num += e * e;
      den += static_cast<double>(b[i]) * b[i];
      d.max_abs = std::max(d.max_abs, std::fabs(e));
    }
    agree += runtime::Sampler::argmax(a.data(), static_cast<int64_t>(a.size())) ==
             runtime::Sampler::argmax(b.data(), static_cast<int64_t>(b.size()));
  }
  d.rel_rms = den > 0 ? std::sqrt(num / den) : 0;
  d.top1_agree = n ? static_cast<double>(agree) / static_cast<double>(n) : 0;
  if (n == 0) d.rel_rms = 1e9;
  return d;
}

struct CliResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs `$ONBOARD_CLI args` through the shell.
inline CliResult run_cli(const std::string& args) {
  CliResult r;
  const char* cli = std::getenv("ONBOARD_CLI");
  const std::string exe = cli ? cli : std::string(ONBOARD_BINARY_DIR) + "/onboard";
  const std::string cmd = "'" + exe + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), got);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace onboard::synth_test
