// onboard tokenize -m FILE [--ids] TEXT: the ids (and pieces) the model's tokenizer gives.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "format/gguf.h"
#include "text/gguf_vocab.h"
#include "text/tokenizer.h"

namespace onboard::cli {

int cmd_tokenize(int argc, char** argv) {
  CLI::App app{"Tokenize text with a model's tokenizer", "onboard tokenize"};
  std::string model, text;
  bool ids_only = false, no_bos = false, no_special = false;
  app.add_option("-m,--model", model, "model file (GGUF)")->required();
  app.add_option("text", text, "text to tokenize")->required();
  app.add_flag("--ids", ids_only, "print only the ids, as a JSON array");
  app.add_flag("--no-bos", no_bos, "do not add BOS even when the model wants it");
  app.add_flag("--no-parse-special", no_special, "treat special-token text as plain text");
  CLI11_PARSE(app, argc, argv);

  auto f = gguf::GgufFile::open(model);
  if (!f.ok()) return fail(f.error());
  auto vocab = text::vocab_from_gguf(*f);
  if (!vocab.ok()) return fail(vocab.error());
  auto tok = text::Tokenizer::create(std::move(*vocab));
  if (!tok.ok()) return fail(tok.error());
  const auto ids = tok->encode(text, {.add_bos = tok->add_bos() && !no_bos, .parse_special = !no_special});
  if (ids_only) {
    std::printf("[");
    for (size_t i = 0; i < ids.size(); ++i) std::printf("%s%d", i ? ", " : "", ids[i]);
    std::printf("]\n");
    return 0;
  }
  for (int32_t id : ids) {
    std::string piece(tok->token_piece(id));
    std::string shown;
    for (unsigned char c : piece) {
      if (c == '\n') shown += "\\n";
      else if (c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); shown += b; }
      else shown += static_cast<char>(c);
    }
    std::printf("%8d -> '%s'\n", id, shown.c_str());
  }
  std::fprintf(stderr, "%zu tokens\n", ids.size());
  return 0;
}

}  // namespace onboard::cli
