// Fuzz target: arbitrary bytes -> encode -> decode (one-shot and streaming). Must not crash;
// decode output must be valid UTF-8; ids must be in the vocabulary. For the deepseek-v3
// tokenizer (no normalizer) decode(encode(x)) must equal the lossy UTF-8 reading of x.
// Fixtures: $ONBOARD_FIXTURES, else ../../shared/fixtures relative to this source file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "text/detokenizer.h"
#include "text/hf_tokenizer_json.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

namespace {

std::string fixtures_dir() {
  if (const char* env = std::getenv("ONBOARD_FIXTURES")) return env;
  return ONBOARD_FIXTURES_DIR;  // set by fuzz/CMakeLists.txt (__FILE__ may be relative)
}

std::unique_ptr<onboard::text::Tokenizer> load(const char* flavour) {
  auto v = onboard::text::load_hf_tokenizer(fixtures_dir() + "/tokenizer/" + flavour);
  if (!v.ok()) {
    std::fprintf(stderr, "tokenizer_fuzz: %s\n", v.error().message.c_str());
    std::abort();
  }
  auto t = onboard::text::Tokenizer::create(std::move(v).value());
  if (!t.ok()) {
    std::fprintf(stderr, "tokenizer_fuzz: %s\n", t.error().message.c_str());
    std::abort();
  }
  return std::make_unique<onboard::text::Tokenizer>(std::move(t).value());
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokenizer_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto qwen = load("r1-qwen");
  static const auto v3 = load("deepseek-v3");
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const onboard::text::Tokenizer& tok = (mode & 1) ? *v3 : *qwen;
  const bool parse_special = (mode & 2) == 0;
  const bool skip_special = (mode & 4) != 0;

  const auto ids = tok.encode(text, {.add_bos = (mode & 8) != 0, .parse_special = parse_special});
  for (int32_t id : ids) check(id >= 0 && id < tok.n_vocab(), "id out of range");
  const std::string back = tok.decode(ids, skip_special);
  check(onboard::text::utf8_is_valid(back), "decode produced invalid UTF-8");
  if ((mode & 1) && !(mode & 8) && !skip_special)
    check(back == onboard::text::utf8_lossy(text), "deepseek-v3 round trip differs from the lossy input");

  onboard::text::StreamingDetokenizer stream(tok, skip_special);
  std::string streamed;
  for (int32_t id : ids) {
    const std::string part = stream.push(id);
    check(onboard::text::utf8_is_valid(part), "streaming produced invalid UTF-8");
    streamed += part;
  }
  streamed += stream.flush();
  check(streamed == back, "streaming decode differs from one-shot decode");
  return 0;
}
