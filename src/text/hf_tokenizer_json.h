// Loads a Hugging Face tokenizer (tokenizer.json, plus tokenizer_config.json beside it when
// present) into VocabData. Only the byte-level BPE shapes of the DeepSeek family are accepted;
// the pre-tokenizer name is recognised from the tokenizer.json structure:
//   Split(Qwen2 regex) + ByteLevel(use_regex=false)      -> "qwen2" ("deepseek-r1-qwen" when the
//                                                           DeepSeek BOS is an added token)
//   Split(\p{N}{1,3}) + Split(CJK) + Split(...) + ByteLevel -> "deepseek-v3"
//   Split(Llama-3 regex) + ByteLevel(use_regex=false)      -> "llama-bpe"
// Anything else is an error naming what was found.
#pragma once

#include <string>

#include "core/status.h"
#include "text/vocab.h"

namespace onboard::text {

// `path` is a directory holding tokenizer.json or the tokenizer.json file itself.
Expected<VocabData> load_hf_tokenizer(const std::string& path);

// Parses tokenizer.json text (and optionally tokenizer_config.json text; empty = absent).
// `name` prefixes error messages.
Expected<VocabData> parse_hf_tokenizer(const std::string& tokenizer_json, const std::string& config_json,
                                       const std::string& name = "tokenizer.json");

}  // namespace onboard::text
