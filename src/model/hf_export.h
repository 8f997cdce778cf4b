// Writes a model as a Hugging Face directory: config.json, model.safetensors.index.json and
// shards, tokenizer.json and tokenizer_config.json. The inverse of hf_directory.h (experts
// unstacked, kv_b_proj rejoined, llama q/k rows back in Hugging Face order), for
// `onboard synth --format hf` and for tests that compare a GGUF with its Hugging Face twin.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "format/gguf.h"

namespace onboard::model {

struct HfExportOptions {
  // 2-D projection weights as F8_E4M3 with F32 weight_scale_inv per 128x128 block, as
  // DeepSeek ships V3/R1; embeddings, lm_head, the router and 1-D tensors keep their type.
  bool fp8 = false;
  int n_shards = 2;
  // tokenizer.json to copy (the file or its directory); empty: none is written.
  std::string tokenizer;
  // config.json to write as is; null: derived from the GGUF metadata.
  nlohmann::json config;
  // llama3 rope_scaling object, needed to derive a llama config with rope_freqs.weight.
  nlohmann::json rope_scaling;
};

struct HfExportResult {
  int64_t n_tensors = 0;  // safetensors tensors written (scales included)
  int64_t n_fp8 = 0;
  uint64_t bytes = 0;     // tensor data over all shards
};

// Tensors keep their GGUF type when it is F32, F16 or BF16 (so values are bit-identical);
// quantized GGUF types are written as F32.
Expected<HfExportResult> write_hf_directory(const gguf::GgufFile& file, const std::string& dir,
                                            const HfExportOptions& options);

}  // namespace onboard::model
