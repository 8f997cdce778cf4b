// Pre-tokenizers by llama.cpp `pre` name (reference §8.3): a sequence of regex splits with
// Hugging Face "Isolated" behaviour (matches and the gaps between them both become pieces;
// split k+1 runs on every piece split k produced). PCRE2 with UTF + UCP and JIT.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace onboard::text {

// Receives one piece (a non-empty substring of the text given to split()).
using PieceSink = void (*)(void* ctx, const char* data, size_t size);

class PreTokenizer {
 public:
  // `name` is one of qwen2, deepseek-r1-qwen, deepseek-v3, llama-bpe; anything else is an error.
  static Expected<PreTokenizer> create(const std::string& name);
  // Names create() accepts.
  static const std::vector<std::string>& known_names();

  // Splits valid UTF-8 `text` and calls sink for every piece, in order. The pieces
  // concatenate to `text`. Thread-safe.
  void split(std::string_view text, PieceSink sink, void* ctx) const;

  const std::string& name() const;

  // The regexes (PCRE2 syntax) applied in order for a known name, empty for an unknown one.
  static std::vector<std::string> patterns_for(const std::string& name);

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace onboard::text
