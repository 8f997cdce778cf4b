#include "kernels/attention.h"

#include <algorithm>
#include <cmath>

#include "tensor/half.h"

namespace onboard::kernels {
namespace {

inline float load(const void* row, int64_t i, bool f16) {
  return f16 ? fp16_to_f32(static_cast<const uint16_t*>(row)[i]) : static_cast<const float*>(row)[i];
}

}  // namespace

void attend(const float* q, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t n_head,
            int64_t n_head_kv, int64_t head_dim, float scale, float* out, float* scores, int64_t head_begin,
            int64_t head_end) {
  const bool f16 = cache.type() == GgmlType::F16;
  const int64_t group = n_head / n_head_kv;
  for (int64_t h = head_begin; h < head_end; ++h) {
    const float* qh = q + h * head_dim;
    const int64_t kvh = h / group;
    float max_score = -INFINITY;
    for (int64_t t = 0; t < n_kv; ++t) {
      const void* k = cache.k_row(layer, t);
      float s = 0;
      for (int64_t i = 0; i < head_dim; ++i) s += qh[i] * load(k, kvh * head_dim + i, f16);
      scores[t] = s * scale;
      max_score = std::max(max_score, scores[t]);
    }
    float sum = 0;
    for (int64_t t = 0; t < n_kv; ++t) {
      scores[t] = std::exp(scores[t] - max_score);
      sum += scores[t];
    }
    const float inv = 1.0f / sum;
    float* oh = out + h * head_dim;
    std::fill(oh, oh + head_dim, 0.0f);
    for (int64_t t = 0; t < n_kv; ++t) {
      const void* v = cache.v_row(layer, t);
      const float p = scores[t] * inv;
      for (int64_t i = 0; i < head_dim; ++i) oh[i] += p * load(v, kvh * head_dim + i, f16);
    }
  }
}

}  // namespace onboard::kernels
