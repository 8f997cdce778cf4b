// Shared by the grammar tests: the R1-Distill-Qwen tokenizer of the tiny fixture model (the
// real 151,936-token vocabulary), loaded once, and its trie.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "format/gguf.h"
#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/matcher.h"
#include "runtime/grammar/vocab_trie.h"
#include "text/gguf_vocab.h"
#include "text/tokenizer.h"

namespace onboard::runtime::grammar::testing {

inline const text::Tokenizer& qwen_tokenizer() {
  static const text::Tokenizer tok = [] {
    auto f = gguf::GgufFile::open(std::string(ONBOARD_FIXTURES_DIR) + "/models/tiny-qwen2.gguf");
    if (!f.ok()) throw std::runtime_error(f.error().message);
    auto v = text::vocab_from_gguf(*f);
    if (!v.ok()) throw std::runtime_error(v.error().message);
    auto t = text::Tokenizer::create(std::move(*v));
    if (!t.ok()) throw std::runtime_error(t.error().message);
    return std::move(*t);
  }();
  return tok;
}

inline std::shared_ptr<const VocabTrie> qwen_trie() {
  static const auto trie = std::make_shared<const VocabTrie>(qwen_tokenizer());
  return trie;
}

inline std::shared_ptr<const Grammar> compile(const std::string& gbnf) {
  auto g = parse_gbnf(gbnf);
  if (!g.ok()) ADD_FAILURE() << g.error().message << "\nin:\n" << gbnf;
  return g.ok() ? std::make_shared<const Grammar>(std::move(*g)) : nullptr;
}

// The whole string is a sentence of the grammar (byte by byte).
inline bool matches(const std::shared_ptr<const Grammar>& g, const std::string& s) {
  if (!g) return false;
  Matcher m(g);
  return m.accept_bytes(s) && m.accepting();
}

}  // namespace onboard::runtime::grammar::testing
