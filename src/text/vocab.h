// Everything a byte-level BPE tokenizer needs, independent of the file it came from
// (Hugging Face tokenizer.json + tokenizer_config.json, or GGUF tokenizer.* metadata).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace onboard::text {

// GGUF token types (reference §6.3).
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

// An added token with the Hugging Face AddedToken flags.
struct AddedToken {
  std::string content;  // the literal text matched in the input (not byte-level encoded)
  int32_t id = -1;
  bool special = false;      // skipped by decode(skip_special); not matched when parse_special=false
  bool lstrip = false;       // swallows whitespace on its left
  bool rstrip = false;       // swallows whitespace on its right
  bool normalized = false;   // matched on normalized (NFC) text instead of the raw input
  bool single_word = false;  // matched only when not inside a word
};

// Pre-tokenizer names (llama.cpp's tokenizer.ggml.pre values) understood by Tokenizer.
inline constexpr const char* kPreQwen2 = "qwen2";
inline constexpr const char* kPreDeepseekR1Qwen = "deepseek-r1-qwen";
inline constexpr const char* kPreDeepseekV3 = "deepseek-v3";
inline constexpr const char* kPreLlamaBpe = "llama-bpe";

struct VocabData {
  // Token strings exactly as stored in the file (byte-level encoded for normal tokens, literal
  // text for added tokens). Index = token id. Holes are filled with "[PAD<id>]" of type kUnused.
  std::vector<std::string> tokens;
  std::vector<TokenType> token_types;  // same size as tokens
  // Merges in rank order (rank = index), as the two token strings.
  std::vector<std::pair<std::string, std::string>> merges;
  std::string pre;             // pre-tokenizer name, one of the kPre* values
  bool nfc = false;            // input is NFC-normalized before pre-tokenization
  bool ignore_merges = false;  // a piece that is a whole vocabulary entry is emitted directly
  int32_t bos_id = -1, eos_id = -1, pad_id = -1, eot_id = -1;
  bool add_bos = false, add_eos = false;
  // Tokens matched before pre-tokenization. From tokenizer.json: its added_tokens with their
  // flags. From GGUF: every CONTROL (special) and USER_DEFINED (not special) token.
  std::vector<AddedToken> added_tokens;
  std::string chat_template;
};

}  // namespace onboard::text
