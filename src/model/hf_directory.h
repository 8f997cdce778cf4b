// A Hugging Face model directory (config.json, model.safetensors.index.json + shards or one
// model.safetensors) opened without conversion. The directory is presented as the GGUF that
// llama.cpp's converter would write for it (same metadata keys and tensor names), so the
// config reader and the weight binders of every architecture serve both formats. Tensors
// are used in place in the mapped shards where the layouts agree; the few that differ are
// built once at load, and the report says what that costs:
//   - routed experts (one tensor per expert) are stacked into ffn_{gate,up,down}_exps;
//   - kv_b_proj is split into attn_k_b (transposed per head) and attn_v_b;
//   - llama q_proj / k_proj rows are reordered so rotary pairs are adjacent (as the converter);
//   - FP8 weights (F8_E4M3 with 128x128 F32 block multipliers weight_scale_inv) are
//     dequantized to F32: exact (an e4m3 value times an F32 scale rounds once, as DeepSeek's
//     weight_dequant does in F32), at 4 bytes per weight instead of 1;
//   - llama3 rope_scaling becomes rope_freqs.weight.
// Multi-token-prediction layers (model.layers.{num_hidden_layers + i}) are skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/gguf.h"
#include "model/model.h"

namespace onboard::model {

struct HfLoadReport {
  uint64_t mapped_bytes = 0;     // tensor bytes used in place from the shards
  uint64_t converted_bytes = 0;  // bytes built at load (stacked, split, reordered, dequantized)
  int64_t n_fp8 = 0;             // FP8 weights dequantized to F32
  uint64_t fp8_source_bytes = 0;  // their size in the files (1 byte per weight)
  std::vector<std::string> notes;  // skipped tensors, conversions: for the user
};

// A directory holding config.json.
bool is_hf_directory(const std::string& path);

// The directory as a GGUF-shaped view (see above). Errors name the file and tensor.
Expected<gguf::GgufFile> open_hf_directory(const std::string& dir, HfLoadReport* report = nullptr);

// open_hf_directory + load_model; a binder's error about a tensor also names the Hugging
// Face tensor and the shard (or the index it is missing from).
Expected<std::unique_ptr<Model>> load_hf_model(const std::string& dir, HfLoadReport* report = nullptr);

// One line on what loading cost beyond the mapped shards, e.g. for `onboard run`.
std::string describe(const HfLoadReport& report);

}  // namespace onboard::model
