// Flags shared by the commands that run a model (run, chat, bench), named as llama.cpp's.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "runtime/loaded_model.h"
#include "runtime/session.h"

namespace onboard::cli {

struct ModelFlags {
  std::string model;
  int threads = 0;  // 0: all cores
  int64_t ctx = 4096;
  int64_t batch = 256;
  std::string kv_type = "f16";
};

struct SamplingFlags {
  std::optional<float> temp, top_p, min_p, repeat_penalty, presence_penalty, frequency_penalty;
  std::optional<int32_t> top_k;
  std::optional<uint64_t> seed;
};

void add_model_flags(CLI::App& app, ModelFlags& f);
void add_sampling_flags(CLI::App& app, SamplingFlags& f);

int resolve_threads(int requested);
// Sampling: DeepSeek's recommendation (temperature 0.6, top-p 0.95) unless the file's
// general.sampling.* says otherwise, then the user's flags.
runtime::SamplerParams sampler_params(const model::ModelConfig& config, const SamplingFlags& f);
Expected<runtime::SessionOptions> session_options(const ModelFlags& m, const SamplingFlags& s,
                                                  const model::ModelConfig& config);

// Prints "onboard: <message>" to stderr and returns the exit code for errors.
int fail(const Error& e);

}  // namespace onboard::cli
