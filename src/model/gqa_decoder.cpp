#include "model/gqa_decoder.h"

#include <algorithm>
#include <cmath>

#include "kernels/attention.h"
#include "kernels/matmul.h"
#include "kernels/rms_norm.h"
#include "kernels/rope.h"
#include "tensor/dequantize.h"

namespace onboard::model {
namespace {

struct Layer {
  std::vector<float> attn_norm, ffn_norm;
  std::vector<float> bq, bk, bv;  // qwen2 only
  Weight wq, wk, wv, wo;
  Weight gate, up, down;
};

// Activation buffers for up to n_batch tokens, sized once.
class GqaState : public ForwardState {
 public:
  std::vector<float> x, xn, q, k, v, att, gate, up, cos_sin, scores;
  std::vector<uint8_t> scratch;
  friend class GqaDecoder;
};

class GqaDecoder : public Model {
 public:
  GqaDecoder(gguf::GgufFile file, ModelConfig config) : Model(std::move(file), std::move(config)) {}

  Status bind() {
    const ModelConfig& c = config_;
    const int64_t q_dim = c.n_head * c.head_dim, kv_dim = c.n_head_kv * c.head_dim;
    ONBOARD_ASSIGN_OR_RETURN(embd_, bind_matrix(file_, "token_embd.weight", c.n_embd, c.n_vocab));
    ONBOARD_ASSIGN_OR_RETURN(output_norm_, load_vector(file_, "output_norm.weight", c.n_embd));
    ONBOARD_ASSIGN_OR_RETURN(output_, bind_optional_matrix(file_, "output.weight", c.n_embd, c.n_vocab));
    if (!output_) output_ = embd_;
    std::vector<float> divisors;
    if (c.has_rope_freqs) {
    ONBOARD_ASSIGN_OR_RETURN(divisors, load_vector(file_, "rope_freqs.weight", c.rope_dim / 2));
  }
    inv_freq_ = kernels::rope_inv_freq(c.rope_theta, c.rope_dim, divisors);
    layers_.resize(c.n_layer);
    for (int64_t i = 0; i < c.n_layer; ++i) {
      Layer& l = layers_[i];
      const std::string p = "blk." + std::to_string(i) + ".";
      ONBOARD_ASSIGN_OR_RETURN(l.attn_norm, load_vector(file_, p + "attn_norm.weight", c.n_embd));
      ONBOARD_ASSIGN_OR_RETURN(l.ffn_norm, load_vector(file_, p + "ffn_norm.weight", c.n_embd));
      ONBOARD_ASSIGN_OR_RETURN(l.wq, bind_matrix(file_, p + "attn_q.weight", c.n_embd, q_dim));
      ONBOARD_ASSIGN_OR_RETURN(l.wk, bind_matrix(file_, p + "attn_k.weight", c.n_embd, kv_dim));
      ONBOARD_ASSIGN_OR_RETURN(l.wv, bind_matrix(file_, p + "attn_v.weight", c.n_embd, kv_dim));
      ONBOARD_ASSIGN_OR_RETURN(l.wo, bind_matrix(file_, p + "attn_output.weight", q_dim, c.n_embd));
      ONBOARD_ASSIGN_OR_RETURN(l.gate, bind_matrix(file_, p + "ffn_gate.weight", c.n_embd, c.n_ff));
      ONBOARD_ASSIGN_OR_RETURN(l.up, bind_matrix(file_, p + "ffn_up.weight", c.n_embd, c.n_ff));
      ONBOARD_ASSIGN_OR_RETURN(l.down, bind_matrix(file_, p + "ffn_down.weight", c.n_ff, c.n_embd));
      if (c.qkv_bias) {
        ONBOARD_ASSIGN_OR_RETURN(l.bq, load_vector(file_, p + "attn_q.bias", q_dim));
        ONBOARD_ASSIGN_OR_RETURN(l.bk, load_vector(file_, p + "attn_k.bias", kv_dim));
        ONBOARD_ASSIGN_OR_RETURN(l.bv, load_vector(file_, p + "attn_v.bias", kv_dim));
      }
    }
    return Status::Ok();
  }

  Expected<std::unique_ptr<ForwardState>> new_state(const StateOptions& o) const override {
    const ModelConfig& c = config_;
    auto s = std::make_unique<GqaState>();
    s->options_ = o;
    s->options_.n_batch = std::max<int64_t>(1, std::min(o.n_batch, o.n_ctx));
    const int64_t nb = s->options_.n_batch;
    const int64_t q_dim = c.n_head * c.head_dim, kv_dim = c.n_head_kv * c.head_dim;
    ONBOARD_ASSIGN_OR_RETURN(s->kv_, runtime::KvCache::create(c.n_layer, o.n_ctx, kv_dim, kv_dim, o.kv_type));
    s->x.assign(nb * c.n_embd, 0);
    s->xn.assign(nb * std::max(c.n_embd, q_dim), 0);
    s->q.assign(nb * q_dim, 0);
    s->k.assign(nb * kv_dim, 0);
    s->v.assign(nb * kv_dim, 0);
    s->att.assign(nb * q_dim, 0);
    s->gate.assign(nb * c.n_ff, 0);
    s->up.assign(nb * c.n_ff, 0);
    s->cos_sin.assign(nb * c.rope_dim, 0);
    s->scores.assign(static_cast<size_t>(std::max(1, o.n_threads)) * o.n_ctx, 0);
    size_t scratch = 0;
    for (const Layer& l : layers_)
      for (const Weight* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.gate, &l.up, &l.down})
        scratch = std::max(scratch, kernels::matmul_scratch_bytes(w->type, w->cols, nb));
    scratch = std::max(scratch, kernels::matmul_scratch_bytes(output_.type, output_.cols, o.all_logits ? nb : 1));
    s->scratch.assign(scratch, 0);
    s->n_vocab_ = c.n_vocab;
    s->logits_.assign((o.all_logits ? nb : 1) * c.n_vocab, 0);
    s->scratch_bytes_ = (s->x.size() + s->xn.size() + s->q.size() + s->k.size() + s->v.size() + s->att.size() +
                         s->gate.size() + s->up.size() + s->cos_sin.size() + s->scores.size()) * sizeof(float) +
                        s->scratch.size();
    return std::unique_ptr<ForwardState>(std::move(s));
  }

  Status forward(ForwardState& base, std::span<const int32_t> tokens, int64_t pos, ThreadPool& pool) const override {
    auto& s = static_cast<GqaState&>(base);
    const ModelConfig& c = config_;
    const int64_t n = static_cast<int64_t>(tokens.size());
    if (n == 0) return Status::Ok();
    ONBOARD_TRY(check_batch(s, tokens, pos, pool));
    const int64_t E = c.n_embd, hd = c.head_dim;
    const int64_t q_dim = c.n_head * hd, kv_dim = c.n_head_kv * hd;

    for (int64_t t = 0; t < n; ++t) {
      dequantize_row(embd_.type, embd_.row(tokens[t]), &s.x[t * E], E);
      kernels::rope_cos_sin(inv_freq_, pos + t, &s.cos_sin[t * c.rope_dim]);
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));

    for (int64_t li = 0; li < c.n_layer; ++li) {
      const Layer& l = layers_[li];
      // Attention block: h += Wo · attn(rope(Wq x + bq), rope(Wk x + bk), Wv x + bv), x = RMSNorm(h).
      for (int64_t t = 0; t < n; ++t) kernels::rms_norm(&s.x[t * E], l.attn_norm.data(), &s.xn[t * E], E, c.rms_eps);
      const kernels::MatmulOutput qkv[] = {{&l.wq, s.q.data(), q_dim}, {&l.wk, s.k.data(), kv_dim}, {&l.wv, s.v.data(), kv_dim}};
      kernels::matmul_group(qkv, s.xn.data(), E, n, s.scratch.data(), pool);
      add_bias(l.bq, n, s.q.data(), q_dim);
      add_bias(l.bk, n, s.k.data(), kv_dim);
      add_bias(l.bv, n, s.v.data(), kv_dim);
      for (int64_t t = 0; t < n; ++t) {
        kernels::apply_rope(&s.q[t * q_dim], c.n_head, hd, c.rope_dim, &s.cos_sin[t * c.rope_dim], c.rope_layout);
        kernels::apply_rope(&s.k[t * kv_dim], c.n_head_kv, hd, c.rope_dim, &s.cos_sin[t * c.rope_dim], c.rope_layout);
        s.kv_.store(li, pos + t, &s.k[t * kv_dim], &s.v[t * kv_dim]);
      }
      pool.parallel_for(n * c.n_head, [&](int64_t w0, int64_t w1, int thread) {
        float* scores = &s.scores[static_cast<size_t>(thread) * s.kv_.n_ctx()];
        for (int64_t w = w0; w < w1; ++w) {
          const int64_t t = w / c.n_head, h = w % c.n_head;
          kernels::attend(&s.q[t * q_dim], s.kv_, li, pos + t + 1, c.n_head, c.n_head_kv, hd, scale, &s.att[t * q_dim],
                          scores, h, h + 1);
        }
      });
      kernels::matmul(l.wo, s.att.data(), q_dim, n, s.xn.data(), E, s.scratch.data(), pool);
      for (int64_t i = 0; i < n * E; ++i) s.x[i] += s.xn[i];

      // MLP block: h += W_down (silu(W_gate x) ⊙ W_up x), x = RMSNorm(h).
      for (int64_t t = 0; t < n; ++t) kernels::rms_norm(&s.x[t * E], l.ffn_norm.data(), &s.xn[t * E], E, c.rms_eps);
      kernels::matmul_swiglu(l.gate, l.up, s.xn.data(), E, n, s.gate.data(), s.up.data(), c.n_ff, s.scratch.data(), pool);
      kernels::matmul(l.down, s.gate.data(), c.n_ff, n, s.xn.data(), E, s.scratch.data(), pool);
      for (int64_t i = 0; i < n * E; ++i) s.x[i] += s.xn[i];
    }

    compute_logits(s, output_, output_norm_, s.x.data(), s.xn.data(), s.scratch.data(), n, pool);
    return Status::Ok();
  }

 private:
  static void add_bias(const std::vector<float>& bias, int64_t n, float* y, int64_t y_stride) {
    if (bias.empty()) return;
    const auto rows = static_cast<int64_t>(bias.size());
    for (int64_t t = 0; t < n; ++t)
      for (int64_t i = 0; i < rows; ++i) y[t * y_stride + i] += bias[i];
  }

  Weight embd_, output_;
  std::vector<float> output_norm_;
  std::vector<float> inv_freq_;
  std::vector<Layer> layers_;
};

}  // namespace

Expected<std::unique_ptr<Model>> load_gqa_decoder(gguf::GgufFile file, ModelConfig config) {
  auto m = std::make_unique<GqaDecoder>(std::move(file), std::move(config));
  ONBOARD_TRY(m->bind());
  return std::unique_ptr<Model>(std::move(m));
}

}  // namespace onboard::model
