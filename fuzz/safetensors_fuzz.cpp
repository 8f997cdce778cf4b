// Arbitrary bytes through the safetensors parser: it must return a value or an error, never
// crash, and a parsed file's tensors must lie inside the input without overlapping.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = onboard::safetensors::SafetensorsFile::parse(std::span<const uint8_t>(data, size), "fuzz");
  if (!f.ok()) return 0;
  for (const auto& t : f->tensors()) {
    if (t.data < data || t.data + t.n_bytes > data + size || t.offset < f->data_offset()) std::abort();
    if (static_cast<uint64_t>(t.n_elements()) * onboard::safetensors::dtype_size(t.dtype_name) != t.n_bytes) std::abort();
    volatile uint8_t sink = t.n_bytes ? t.data[t.n_bytes - 1] : 0;
    (void)sink;
  }
  return 0;
}
