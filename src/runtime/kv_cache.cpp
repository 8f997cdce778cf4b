#include "runtime/kv_cache.h"

#include <cstring>

#include "tensor/half.h"

namespace onboard::runtime {

Expected<KvCache> KvCache::create(int64_t n_layer, int64_t n_ctx, int64_t k_dim, int64_t v_dim, GgmlType type) {
  if (type != GgmlType::F32 && type != GgmlType::F16)
    return make_error(ErrorCode::kUnsupported, "KV cache type " + std::string(traits(type).name) + " (F32 and F16 are supported)");
  if (n_ctx <= 0) return make_error(ErrorCode::kInvalidArgument, "context size must be positive, got " + std::to_string(n_ctx));
  KvCache c;
  c.n_layer_ = n_layer;
  c.n_ctx_ = n_ctx;
  c.k_dim_ = k_dim;
  c.v_dim_ = v_dim;
  c.type_ = type;
  c.elem_ = type == GgmlType::F32 ? 4 : 2;
  const double bytes = static_cast<double>(n_layer) * n_ctx * (k_dim + v_dim) * c.elem_;
  if (bytes > 64.0 * (1ull << 30))
    return make_error(ErrorCode::kOutOfRange, "KV cache for " + std::to_string(n_ctx) + " tokens would need " +
                                                  std::to_string(static_cast<int64_t>(bytes / (1 << 20))) + " MiB; use a smaller -c");
  c.storage_.assign(static_cast<size_t>(bytes), 0);
  return c;
}

void KvCache::store(int64_t layer, int64_t pos, const float* k, const float* v) {
  uint8_t* kd = storage_.data() + k_offset(layer, pos);
  uint8_t* vd = storage_.data() + v_offset(layer, pos);
  if (type_ == GgmlType::F32) {
    std::memcpy(kd, k, k_dim_ * sizeof(float));
    std::memcpy(vd, v, v_dim_ * sizeof(float));
    return;
  }
  auto* kh = reinterpret_cast<uint16_t*>(kd);
  auto* vh = reinterpret_cast<uint16_t*>(vd);
  for (int64_t i = 0; i < k_dim_; ++i) kh[i] = f32_to_fp16(k[i]);
  for (int64_t i = 0; i < v_dim_; ++i) vh[i] = f32_to_fp16(v[i]);
}

}  // namespace onboard::runtime
