// `onboard quantize`: converts a GGUF file to a llama.cpp file type (Q4_K_M, Q8_0, F32, ...).
// Metadata is copied (general.file_type and general.quantization_version updated); each tensor
// gets the type tensor/quant_mixture.h chooses and is converted row by row (dequantize to
// float, quantize), on several threads, streamed into the output one tensor at a time. The
// output is written atomically (via OUT.tmp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace onboard::gguf {

struct QuantizeOptions {
  int threads = 0;  // 0 = all cores
};

struct QuantizeSummary {
  std::string mix;                         // "Q4_K_M"
  std::map<std::string, int> out_types;    // output type name -> tensor count
  int n_tensors = 0, n_converted = 0, n_copied = 0, n_fallback = 0;
  uint64_t bytes_in = 0, bytes_out = 0;    // tensor data
  uint64_t file_bytes_in = 0, file_bytes_out = 0;
  double seconds = 0;
};

Expected<QuantizeSummary> quantize_file(const std::string& in_path, const std::string& out_path, std::string_view type,
                                        const QuantizeOptions& options = {});

}  // namespace onboard::gguf
