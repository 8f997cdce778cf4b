// Test helper: a copy of a GGUF file (in memory) with one tensor dropped or with its first two
// dimensions swapped, for load-error tests.
#pragma once

#include <string>
#include <vector>

#include "format/gguf.h"
#include "format/gguf_writer.h"

namespace onboard::test_gguf {

inline Expected<gguf::GgufFile> rewritten(const gguf::GgufFile& src, const std::string& drop, const std::string& reshape,
                                          std::vector<uint8_t>& storage) {
  gguf::GgufWriter w;
  for (const auto& kv : src.metadata()) w.add_value(kv.key, kv.value);
  for (const auto& t : src.tensors()) {
    if (t.name == drop) continue;
    std::vector<int64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    std::vector<uint8_t> data(t.data, t.data + t.n_bytes);
    if (t.name == reshape) std::swap(ne[0], ne[1]);
    ONBOARD_TRY(w.add_tensor(t.name, t.type, ne, std::move(data)));
  }
  ONBOARD_ASSIGN_OR_RETURN(storage, w.write_to_memory());
  return gguf::GgufFile::parse(storage, "edited.gguf");
}

}  // namespace onboard::test_gguf
