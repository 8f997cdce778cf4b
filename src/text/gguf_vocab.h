// VocabData from GGUF tokenizer.* metadata (reference §6.3).
#pragma once

#include "core/status.h"
#include "format/gguf.h"
#include "text/vocab.h"

namespace onboard::text {

// Requires tokenizer.ggml.model = "gpt2", a known tokenizer.ggml.pre, tokens and merges.
// GGUF does not store the normalizer: NFC applies for the pre names qwen2 and
// deepseek-r1-qwen (as their Hugging Face tokenizer.json declares), not for deepseek-v3 or
// llama-bpe. ignore_merges is on for llama-bpe. Added tokens are the CONTROL tokens (special)
// and the USER_DEFINED tokens (not special), matched on the raw text without strip flags.
Expected<VocabData> vocab_from_gguf(const gguf::GgufFile& file);

}  // namespace onboard::text
