#include "kernels/attention.h"

#include <algorithm>
#include <cmath>

#include "kernels/dot.h"
#include "tensor/ggml_type.h"
#include "tensor/half.h"

namespace onboard::kernels {
namespace {

inline float load(const void* row, int64_t i, bool f16) {
  return f16 ? fp16_to_f32(static_cast<const uint16_t*>(row)[i]) : static_cast<const float*>(row)[i];
}

// One query head: p = softmax(scale * q.K[t]) over t < n_kv, out = sum_t p_t V[t]. K[t] is the
// k_dim values at k_off of cached K row t; V[t] the v_dim values at v_off of the V row, or of
// the K row itself when values_in_k (MLA's latent doubles as the value).
void attend_head(const float* qh, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t k_off,
                 int64_t k_dim, bool values_in_k, int64_t v_off, int64_t v_dim, float scale, float* oh, float* scores) {
  const bool f16 = cache.type() == GgmlType::F16;
  // q·K[t] with the selected ISA's float-row kernel (F16 or F32 keys against float q).
  const DotKernel& key_dot = dot_kernel(cache.type());
  const size_t k_offset_bytes = row_bytes(cache.type(), k_off);
  float max_score = -INFINITY;
  for (int64_t t = 0; t < n_kv; ++t) {
    const auto* k = static_cast<const uint8_t*>(cache.k_row(layer, t)) + k_offset_bytes;
    scores[t] = key_dot.dot(k_dim, k, qh) * scale;
    max_score = std::max(max_score, scores[t]);
  }
  float sum = 0;
  for (int64_t t = 0; t < n_kv; ++t) {
    scores[t] = std::exp(scores[t] - max_score);
    sum += scores[t];
  }
  const float inv = 1.0f / sum;
  std::fill(oh, oh + v_dim, 0.0f);
  for (int64_t t = 0; t < n_kv; ++t) {
    const void* v = values_in_k ? cache.k_row(layer, t) : cache.v_row(layer, t);
    const float p = scores[t] * inv;
    for (int64_t i = 0; i < v_dim; ++i) oh[i] += p * load(v, v_off + i, f16);
  }
}

}  // namespace

void attend(const float* q, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t n_head,
            int64_t n_head_kv, int64_t head_dim, float scale, float* out, float* scores, int64_t head_begin,
            int64_t head_end) {
  const int64_t group = n_head / n_head_kv;
  for (int64_t h = head_begin; h < head_end; ++h) {
    const int64_t kvh = h / group;
    attend_head(q + h * head_dim, cache, layer, n_kv, kvh * head_dim, head_dim, false, kvh * head_dim, head_dim, scale,
                out + h * head_dim, scores);
  }
}

void attend_latent(const float* q, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t latent_dim,
                   int64_t rope_dim, float scale, float* out, float* scores, int64_t head_begin, int64_t head_end) {
  const int64_t k_dim = latent_dim + rope_dim;
  for (int64_t h = head_begin; h < head_end; ++h)
    attend_head(q + h * k_dim, cache, layer, n_kv, 0, k_dim, true, 0, latent_dim, scale, out + h * latent_dim, scores);
}

}  // namespace onboard::kernels
