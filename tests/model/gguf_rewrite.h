// Test helpers: an in-memory copy of a GGUF file with its tensors edited (dropped, reshaped,
// bytes overwritten), for load-error and weight-access tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "format/gguf.h"
#include "format/gguf_writer.h"

namespace onboard::test_gguf {

// edit(tensor, ne, data) may change the shape and bytes; returning false drops the tensor.
using TensorEdit = std::function<bool(const gguf::TensorInfo&, std::vector<int64_t>& ne, std::vector<uint8_t>& data)>;

inline Expected<gguf::GgufFile> edited(const gguf::GgufFile& src, const TensorEdit& edit, std::vector<uint8_t>& storage) {
  gguf::GgufWriter w;
  for (const auto& kv : src.metadata()) w.add_value(kv.key, kv.value);
  for (const auto& t : src.tensors()) {
    std::vector<int64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    std::vector<uint8_t> data(t.data, t.data + t.n_bytes);
    if (!edit(t, ne, data)) continue;
    ONBOARD_TRY(w.add_tensor(t.name, t.type, ne, std::move(data)));
  }
  ONBOARD_ASSIGN_OR_RETURN(storage, w.write_to_memory());
  return gguf::GgufFile::parse(storage, "edited.gguf");
}

// A copy with tensor `drop` left out and tensor `reshape` given its first two dimensions swapped.
inline Expected<gguf::GgufFile> rewritten(const gguf::GgufFile& src, const std::string& drop, const std::string& reshape,
                                          std::vector<uint8_t>& storage) {
  return edited(
      src,
      [&](const gguf::TensorInfo& t, std::vector<int64_t>& ne, std::vector<uint8_t>&) {
        if (t.name == reshape) std::swap(ne[0], ne[1]);
        return t.name != drop;
      },
      storage);
}

}  // namespace onboard::test_gguf
