// Arbitrary bytes through the GGUF parser: it must return a value or an error, never crash,
// and a parsed file's tensors must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "format/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = onboard::gguf::GgufFile::parse(std::span<const uint8_t>(data, size), "fuzz");
  if (!f.ok()) return 0;
  for (const auto& t : f->tensors()) {
    if (t.data < data || t.data + t.n_bytes > data + size) std::abort();
    volatile uint8_t sink = t.n_bytes ? t.data[t.n_bytes - 1] : 0;
    (void)sink;
  }
  for (const auto& kv : f->metadata()) {
    const auto& v = kv.value;
    if (v.type == onboard::gguf::ValueType::ARRAY && v.elem_type != onboard::gguf::ValueType::STRING && v.count)
      (void)v.float_at(v.count - 1);
  }
  return 0;
}
