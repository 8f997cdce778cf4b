#include "runtime/loaded_model.h"

#include <chrono>

#include "model/model_config.h"
#include "text/gguf_vocab.h"

namespace onboard::runtime {

Expected<std::unique_ptr<LoadedModel>> load(const std::string& path) {
  const auto t0 = std::chrono::steady_clock::now();
  ONBOARD_ASSIGN_OR_RETURN(gguf::GgufFile file, gguf::GgufFile::open(path));
  ONBOARD_TRY(model::read_config(file));  // an unknown architecture is the first thing to report
  ONBOARD_ASSIGN_OR_RETURN(text::VocabData vocab, text::vocab_from_gguf(file));
  auto m = std::make_unique<LoadedModel>();
  m->chat_template = vocab.chat_template;
  ONBOARD_ASSIGN_OR_RETURN(m->tokenizer, text::Tokenizer::create(std::move(vocab)));
  ONBOARD_ASSIGN_OR_RETURN(m->model, model::load_model(std::move(file)));
  if (m->tokenizer.n_vocab() > m->model->config().n_vocab)
    return make_error(ErrorCode::kCorrupt, path + ": tokenizer has " + std::to_string(m->tokenizer.n_vocab()) +
                                               " tokens but the embedding only " + std::to_string(m->model->config().n_vocab) + " rows");
  m->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

}  // namespace onboard::runtime
