// Byte-level BPE tokenizer for the DeepSeek family (R1-Distill-Qwen, R1-Distill-Llama,
// DeepSeek-V2/V3/R1), matching Hugging Face `tokenizers` (reference §8):
//   1. added tokens are cut out first (leftmost-longest, HF lstrip/rstrip/single_word flags);
//      tokens flagged `normalized` are matched after normalization, the others on the raw text;
//   2. NFC normalization where the vocabulary declares it (utf8proc);
//   3. the pre-tokenizer regexes for the vocabulary's `pre` name (PCRE2 + JIT);
//   4. GPT-2 byte -> code point map, BPE by merge rank.
// Input that is not valid UTF-8 never fails: every byte that is not part of a well-formed
// sequence becomes its own piece and is encoded as the single byte token (so decode() gives
// the bytes back, shown as U+FFFD by the lossy UTF-8 decode). Well-formed runs around it are
// tokenized as usual.
// A Tokenizer is immutable after create(); encode/decode may run concurrently. Copies share state.
// Repeated pieces hit a per-thread cache of BPE results (at most 65536 pieces of up to 64
// bytes per thread, for the tokenizer that thread used last).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "text/vocab.h"

namespace onboard::text {

struct EncodeOptions {
  bool add_bos = false;       // prepend bos_id (when the vocabulary has one)
  bool parse_special = true;  // match added tokens flagged special (non-special ones always match)
  bool add_eos = false;       // append eos_id (when the vocabulary has one)
};

class Tokenizer {
 public:
  // An empty tokenizer (no vocabulary: encode and decode return nothing, n_vocab() is 0) until one
  // from create() is assigned to it.
  Tokenizer() = default;
  // Validates the vocabulary (ids, merges, byte tokens, pre name) and builds the tables.
  static Expected<Tokenizer> create(VocabData vocab);

  // HF `encode(text, add_special_tokens=false)`, then BOS/EOS as asked.
  std::vector<int32_t> encode(std::string_view text, const EncodeOptions& options = {}) const;

  // Concatenates the pieces of `ids` and decodes them as lossy UTF-8 (HF `decode` with
  // clean_up_tokenization_spaces=false). Ids outside the vocabulary and unused (padding) ids
  // contribute nothing. skip_special drops tokens that are special (HF added tokens with
  // special=true; GGUF CONTROL tokens).
  std::string decode(std::span<const int32_t> ids, bool skip_special = false) const;

  // The raw bytes of one token (may be an incomplete UTF-8 sequence); empty for an id out of
  // range or an unused id.
  std::string_view token_piece(int32_t id) const;
  // The token string as stored in the file ("Ġthe", "<｜User｜>"); empty when out of range.
  std::string_view token_text(int32_t id) const;
  // Id of a token by its file string, or -1.
  int32_t find_token(std::string_view token_text) const;

  int32_t n_vocab() const;
  int32_t bos_id() const;
  int32_t eos_id() const;
  int32_t pad_id() const;
  int32_t eot_id() const;
  bool add_bos() const;
  bool add_eos() const;
  bool is_special(int32_t id) const;  // skipped by decode(skip_special)
  bool is_control(int32_t id) const;  // token type CONTROL
  TokenType token_type(int32_t id) const;
  const VocabData& vocab() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace onboard::text
