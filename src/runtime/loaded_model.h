// A model opened for use: weights, tokenizer and chat template from one GGUF file or a
// Hugging Face directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "text/tokenizer.h"

namespace onboard::runtime {

struct LoadedModel {
  std::unique_ptr<model::Model> model;
  text::Tokenizer tokenizer;
  std::string chat_template;  // tokenizer.chat_template, may be empty
  double load_seconds = 0;
  std::vector<std::string> notes;  // what loading converted or skipped (Hugging Face directories)
};

// `path` is a GGUF file or a Hugging Face directory (config.json, safetensors, tokenizer.json).
Expected<std::unique_ptr<LoadedModel>> load(const std::string& path);

}  // namespace onboard::runtime
