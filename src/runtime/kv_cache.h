// Key/value cache planned at load time for n_ctx positions: one K row and one V row per
// position per layer, stored as F32 or F16. Allocated once; the token loop only writes rows.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "tensor/ggml_type.h"

namespace onboard::runtime {

class KvCache {
 public:
  // k_dim / v_dim: values per position per layer (n_head_kv * head_dim for GQA).
  static Expected<KvCache> create(int64_t n_layer, int64_t n_ctx, int64_t k_dim, int64_t v_dim, GgmlType type);
  KvCache() = default;

  int64_t n_ctx() const { return n_ctx_; }
  GgmlType type() const { return type_; }
  size_t bytes() const { return storage_.size(); }
  size_t bytes_per_token() const { return static_cast<size_t>(n_layer_) * (k_dim_ + v_dim_) * elem_; }

  // Stores one position's K and V (float input, converted to the storage type).
  void store(int64_t layer, int64_t pos, const float* k, const float* v);
  const void* k_row(int64_t layer, int64_t pos) const { return storage_.data() + k_offset(layer, pos); }
  const void* v_row(int64_t layer, int64_t pos) const { return storage_.data() + v_offset(layer, pos); }
  size_t row_stride_k() const { return static_cast<size_t>(k_dim_) * elem_; }
  size_t row_stride_v() const { return static_cast<size_t>(v_dim_) * elem_; }

 private:
  size_t k_offset(int64_t layer, int64_t pos) const {
    return (static_cast<size_t>(layer) * n_ctx_ * (k_dim_ + v_dim_) + static_cast<size_t>(pos) * k_dim_) * elem_;
  }
  size_t v_offset(int64_t layer, int64_t pos) const {
    return (static_cast<size_t>(layer) * n_ctx_ * (k_dim_ + v_dim_) + static_cast<size_t>(n_ctx_) * k_dim_ +
            static_cast<size_t>(pos) * v_dim_) * elem_;
  }

  int64_t n_layer_ = 0, n_ctx_ = 0, k_dim_ = 0, v_dim_ = 0;
  size_t elem_ = 4;
  GgmlType type_ = GgmlType::F32;
  std::vector<uint8_t> storage_;
};

}  // namespace onboard::runtime
