// Prompt flags (-p, -f, -sys, --chat-template, --raw) shared by run and bench.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "runtime/loaded_model.h"

namespace onboard::cli {

struct PromptFlags {
  std::string prompt;
  std::string prompt_file;
  std::string system;
  std::string chat_template_file;
  bool raw = false;
};

void add_prompt_flags(CLI::App& app, PromptFlags& f);
Expected<std::string> read_text_file(const std::string& path);
Expected<std::vector<int32_t>> build_prompt(const runtime::LoadedModel& m, const PromptFlags& f);

}  // namespace onboard::cli
