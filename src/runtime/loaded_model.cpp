#include "runtime/loaded_model.h"

#include <chrono>
#include <filesystem>

#include "model/model_config.h"
#include "model/hf_directory.h"
#include "text/gguf_vocab.h"
#include "text/hf_tokenizer_json.h"

namespace onboard::runtime {

namespace {

// A Hugging Face directory: weights through model::load_hf_model, the tokenizer from
// tokenizer.json and the template, BOS and EOS from tokenizer_config.json.
Expected<std::unique_ptr<LoadedModel>> load_hf(const std::string& dir) {
  auto m = std::make_unique<LoadedModel>();
  model::HfLoadReport report;
  ONBOARD_ASSIGN_OR_RETURN(m->model, model::load_hf_model(dir, &report));
  ONBOARD_ASSIGN_OR_RETURN(text::VocabData vocab, text::load_hf_tokenizer(dir));
  m->chat_template = vocab.chat_template;
  ONBOARD_ASSIGN_OR_RETURN(m->tokenizer, text::Tokenizer::create(std::move(vocab)));
  m->notes = std::move(report.notes);
  m->notes.push_back(model::describe(report));
  return m;
}

Expected<std::unique_ptr<LoadedModel>> load_gguf(const std::string& path) {
  ONBOARD_ASSIGN_OR_RETURN(gguf::GgufFile file, gguf::GgufFile::open(path));
  ONBOARD_TRY(model::read_config(file));  // an unknown architecture is the first thing to report
  ONBOARD_ASSIGN_OR_RETURN(text::VocabData vocab, text::vocab_from_gguf(file));
  auto m = std::make_unique<LoadedModel>();
  m->chat_template = vocab.chat_template;
  ONBOARD_ASSIGN_OR_RETURN(m->tokenizer, text::Tokenizer::create(std::move(vocab)));
  ONBOARD_ASSIGN_OR_RETURN(m->model, model::load_model(std::move(file)));
  return m;
}

}  // namespace

Expected<std::unique_ptr<LoadedModel>> load(const std::string& path) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<LoadedModel> m;
  std::error_code ec;
  if (model::is_hf_directory(path)) {
    ONBOARD_ASSIGN_OR_RETURN(m, load_hf(path));
  } else if (std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorCode::kNotFound, path + ": a directory without config.json (a Hugging Face model directory "
                                                   "holds config.json, safetensors shards and tokenizer.json)");
  } else {
    ONBOARD_ASSIGN_OR_RETURN(m, load_gguf(path));
  }
  if (m->tokenizer.n_vocab() > m->model->config().n_vocab)
    return make_error(ErrorCode::kCorrupt, path + ": tokenizer has " + std::to_string(m->tokenizer.n_vocab()) +
                                               " tokens but the embedding only " + std::to_string(m->model->config().n_vocab) + " rows");
  m->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

}  // namespace onboard::runtime
