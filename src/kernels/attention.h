// Causal scaled-dot-product attention of one query position against the cached keys and
// values (reference §1.2): softmax in float over positions 0..n_kv-1, GQA head mapping
// h -> h / (n_head / n_head_kv).
#pragma once

#include <cstdint>

#include "runtime/kv_cache.h"

namespace onboard::kernels {

// q: n_head * head_dim; out: n_head * head_dim; scores: scratch of n_kv floats.
void attend(const float* q, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t n_head,
            int64_t n_head_kv, int64_t head_dim, float scale, float* out, float* scores, int64_t head_begin,
            int64_t head_end);

// MLA in its absorbed form (reference §4.2): a single shared KV head whose cached row is
// [c_kv (latent_dim) | k_pe (rope_dim)]. Keys are whole rows, values are the latent part.
// q: n_head rows of latent_dim + rope_dim (W_UK-absorbed q_nope, then roped q_pe);
// out: n_head * latent_dim (before the W_UV projection); scores: scratch of n_kv floats.
void attend_latent(const float* q, const runtime::KvCache& cache, int64_t layer, int64_t n_kv, int64_t latent_dim,
                   int64_t rope_dim, float scale, float* out, float* scores, int64_t head_begin, int64_t head_end);

}  // namespace onboard::kernels
