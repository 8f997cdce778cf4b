#include "model/deepseek2.h"

#include <algorithm>
#include <cmath>

#include "kernels/attention.h"
#include "kernels/matmul.h"
#include "kernels/rms_norm.h"
#include "kernels/rope.h"
#include "kernels/swiglu.h"
#include "model/moe_router.h"
#include "tensor/dequantize.h"

namespace onboard::model {
namespace {

// A SwiGLU MLP: dense layers, each routed expert, the fused shared experts.
struct Ffn {
  Weight gate, up, down;
};

struct Layer {
  std::vector<float> attn_norm, ffn_norm, q_a_norm, kv_a_norm;
  Weight q_a, q_b;  // q-LoRA (V2, V3): q = W_qb RMSNorm(W_qa x)
  Weight q;         // no q-LoRA (V2-Lite)
  Weight kv_a;      // x -> [c_kv (kv_lora) | k_pe (rope)]
  std::vector<Weight> k_b;  // per head: W_UK[h]^T, kv_lora x qk_nope (absorbed into the query)
  std::vector<Weight> v_b;  // per head: W_UV[h], v_dim x kv_lora (absorbed into the output)
  std::vector<float> k_b_built;  // legacy attn_kv_b files: the transposed W_UK, owned
  Weight wo;
  bool moe = false;
  Ffn dense;
  Weight router;
  std::vector<float> router_bias;  // exp_probs_b (V3): selection only
  std::vector<Ffn> experts;
  Ffn shared;
};

// A multi-token-prediction module (V3/R1, §4.6).
struct MtpModule {
  Layer block;
  Weight eh_proj;  // 2·n_embd -> n_embd
  std::vector<float> enorm, hnorm, head_norm;
  Weight embd, head;  // its own copies, else the main embedding and head
};

class Deepseek2State : public ForwardState {
 public:
  std::vector<float> x, xn, y, q_a, q, kv, q_abs, ctx, att, gate, up, cos_sin, scores;
  std::vector<float> router_logits, route_weights, router_scratch, moe_out, expert_x, expert_y, expert_w;
  std::vector<int32_t> route_ids;
  std::vector<int64_t> expert_tokens;
  std::vector<uint8_t> scratch;
  friend class Deepseek2;
};

class Deepseek2 : public Model {
 public:
  Deepseek2(gguf::GgufFile file, ModelConfig config) : Model(std::move(file), std::move(config)) {}

  Status bind() {
    const ModelConfig& c = config_;
    const int64_t E = c.n_embd, hd = c.head_dim, R = c.rope_dim;
    ONBOARD_ASSIGN_OR_RETURN(embd_, bind_matrix(file_, "token_embd.weight", E, c.n_vocab));
    ONBOARD_ASSIGN_OR_RETURN(output_norm_, load_vector(file_, "output_norm.weight", E));
    ONBOARD_ASSIGN_OR_RETURN(output_, bind_optional_matrix(file_, "output.weight", E, c.n_vocab));
    if (!output_) output_ = embd_;
    inv_freq_ = c.yarn_factor > 0 ? kernels::yarn_inv_freq(c.rope_theta, R, c.yarn_factor, c.yarn_orig_ctx,
                                                           c.yarn_beta_fast, c.yarn_beta_slow)
                                  : kernels::rope_inv_freq(c.rope_theta, R, {});
    // §4.2 item 7: scale = mscale^2 / sqrt(qk_nope + qk_rope); cos/sin stay unscaled (§4.4).
    const double mscale = c.yarn_factor > 0 ? kernels::yarn_mscale(c.yarn_factor, c.yarn_mscale_all_dim) : 1.0;
    kq_scale_ = static_cast<float>(mscale * mscale / std::sqrt(static_cast<double>(hd)));
    if (c.n_expert > 0)
      router_ = MoeRouter(moe_router_config(c));

    layers_.resize(c.n_layer);
    for (int64_t i = 0; i < c.n_layer; ++i) ONBOARD_TRY(bind_layer(i, layers_[i]));
    mtp_.resize(c.n_nextn);
    for (int64_t k = 0; k < c.n_nextn; ++k) ONBOARD_TRY(bind_mtp(c.n_layer + k, mtp_[k]));
    return Status::Ok();
  }

  Expected<std::unique_ptr<ForwardState>> new_state(const StateOptions& o) const override {
    const ModelConfig& c = config_;
    auto s = std::make_unique<Deepseek2State>();
    s->options_ = o;
    s->options_.n_batch = std::max<int64_t>(1, std::min(o.n_batch, o.n_ctx));
    const int64_t nb = s->options_.n_batch;
    const int64_t E = c.n_embd, H = c.n_head, L = c.kv_lora_rank, R = c.rope_dim;
    // The latent cache: one [c_kv | k_pe] row per position and layer; the values are c_kv itself.
    ONBOARD_ASSIGN_OR_RETURN(s->kv_, runtime::KvCache::create(c.n_layer, o.n_ctx, L + R, 0, o.kv_type));
    const int64_t n_ff = std::max({c.n_ff, c.n_ff_expert, c.n_ff_expert * c.n_expert_shared});
    std::vector<std::pair<std::vector<float>*, int64_t>> buffers = {
        {&s->x, nb * E},           {&s->xn, nb * E},
        {&s->y, nb * E},           {&s->q_a, nb * c.q_lora_rank},
        {&s->q, nb * H * c.head_dim}, {&s->kv, nb * (L + R)},
        {&s->q_abs, nb * H * (L + R)}, {&s->ctx, nb * H * L},
        {&s->att, nb * H * c.v_head_dim}, {&s->gate, nb * n_ff},
        {&s->up, nb * n_ff},       {&s->cos_sin, nb * R},
        {&s->scores, std::max(1, o.n_threads) * o.n_ctx},
        {&s->router_logits, nb * c.n_expert}, {&s->route_weights, nb * c.n_expert_used},
        {&s->router_scratch, router_.scratch_floats()}, {&s->moe_out, nb * E},
        {&s->expert_x, nb * E},    {&s->expert_y, nb * E},
        {&s->expert_w, nb}};
    size_t floats = 0;
    for (auto& [buf, n] : buffers) {
      buf->assign(static_cast<size_t>(n), 0.0f);
      floats += static_cast<size_t>(n);
    }
    s->route_ids.assign(nb * c.n_expert_used, 0);
    s->expert_tokens.assign(nb, 0);
    size_t scratch = kernels::matmul_scratch_bytes(output_.type, output_.cols, o.all_logits ? nb : 1);
    for_each_weight([&](const Weight& w) { scratch = std::max(scratch, kernels::matmul_scratch_bytes(w.type, w.cols, nb)); });
    s->scratch.assign(scratch, 0);
    s->n_vocab_ = c.n_vocab;
    s->logits_.assign((o.all_logits ? nb : 1) * c.n_vocab, 0);
    s->scratch_bytes_ = floats * sizeof(float) + s->route_ids.size() * sizeof(int32_t) +
                        s->expert_tokens.size() * sizeof(int64_t) + s->scratch.size();
    return std::unique_ptr<ForwardState>(std::move(s));
  }

  Status forward(ForwardState& base, std::span<const int32_t> tokens, int64_t pos, ThreadPool& pool) const override {
    auto& s = static_cast<Deepseek2State&>(base);
    const ModelConfig& c = config_;
    const int64_t n = static_cast<int64_t>(tokens.size());
    if (n == 0) return Status::Ok();
    ONBOARD_TRY(check_batch(s, tokens, pos, pool));
    const int64_t E = c.n_embd;
    for (int64_t t = 0; t < n; ++t) {
      dequantize_row(embd_.type, embd_.row(tokens[t]), &s.x[t * E], E);
      kernels::rope_cos_sin(inv_freq_, pos + t, &s.cos_sin[t * c.rope_dim]);
    }

    for (int64_t li = 0; li < c.n_layer; ++li) {
      const Layer& l = layers_[li];
      // h += MLA(RMSNorm(h)); h += FFN(RMSNorm(h))   (§4.3)
      for (int64_t t = 0; t < n; ++t) kernels::rms_norm(&s.x[t * E], l.attn_norm.data(), &s.xn[t * E], E, c.rms_eps);
      attention(l, li, n, pos, s, pool);
      for (int64_t i = 0; i < n * E; ++i) s.x[i] += s.y[i];

      for (int64_t t = 0; t < n; ++t) kernels::rms_norm(&s.x[t * E], l.ffn_norm.data(), &s.xn[t * E], E, c.rms_eps);
      if (l.moe) {
        moe(l, n, s, pool);
      } else {
        mlp(l.dense, s.xn.data(), n, s.y.data(), s, pool);
      }
      for (int64_t i = 0; i < n * E; ++i) s.x[i] += s.y[i];
    }

    compute_logits(s, output_, output_norm_, s.x.data(), s.xn.data(), s.scratch.data(), n, pool);
    return Status::Ok();
  }

 private:
  // MLA, absorbed (§4.2): s.xn (normed h) -> s.y. Per head h, with q = [q_nope | q_pe]:
  //   score_t = scale * ((W_UK[h]^T q_nope) . c_kv_t + rope(q_pe) . rope(k_pe_t))
  //   o[h]    = W_UV[h] (sum_t softmax(score)_t c_kv_t);  y = W_o [o[0] .. o[H-1]]
  void attention(const Layer& l, int64_t li, int64_t n, int64_t pos, Deepseek2State& s, ThreadPool& pool) const {
    const ModelConfig& c = config_;
    const int64_t E = c.n_embd, H = c.n_head, hd = c.head_dim, nope = c.qk_nope_dim, R = c.rope_dim;
    const int64_t L = c.kv_lora_rank, qk = L + R, vd = c.v_head_dim;
    if (l.q_a) {
      kernels::matmul(l.q_a, s.xn.data(), E, n, s.q_a.data(), c.q_lora_rank, s.scratch.data(), pool);
      for (int64_t t = 0; t < n; ++t) {
        float* qa = &s.q_a[t * c.q_lora_rank];
        kernels::rms_norm(qa, l.q_a_norm.data(), qa, c.q_lora_rank, c.rms_eps);
      }
      kernels::matmul(l.q_b, s.q_a.data(), c.q_lora_rank, n, s.q.data(), H * hd, s.scratch.data(), pool);
    } else {
      kernels::matmul(l.q, s.xn.data(), E, n, s.q.data(), H * hd, s.scratch.data(), pool);
    }
    // kv_a -> [c_kv | k_pe]: the latent is normed, k_pe is not; that row is what the cache keeps.
    kernels::matmul(l.kv_a, s.xn.data(), E, n, s.kv.data(), qk, s.scratch.data(), pool);
    for (int64_t t = 0; t < n; ++t) {
      float* kv = &s.kv[t * qk];
      kernels::rms_norm(kv, l.kv_a_norm.data(), kv, L, c.rms_eps);
      kernels::apply_rope(kv + L, 1, R, R, &s.cos_sin[t * R], c.rope_layout);
      kernels::apply_rope(&s.q[t * H * hd] + nope, H, hd, R, &s.cos_sin[t * R], c.rope_layout);
      s.kv_.store(li, pos + t, kv, kv);
    }
    // Absorbed query per head: [W_UK[h]^T q_nope[h] | q_pe[h]].
    for (int64_t h = 0; h < H; ++h)
      kernels::matmul(l.k_b[h], &s.q[h * hd], H * hd, n, &s.q_abs[h * qk], H * qk, s.scratch.data(), pool);
    for (int64_t t = 0; t < n; ++t)
      for (int64_t h = 0; h < H; ++h)
        std::copy_n(&s.q[(t * H + h) * hd + nope], R, &s.q_abs[(t * H + h) * qk + L]);
    pool.parallel_for(n * H, [&](int64_t w0, int64_t w1, int thread) {
      float* scores = &s.scores[static_cast<size_t>(thread) * s.kv_.n_ctx()];
      for (int64_t w = w0; w < w1; ++w) {
        const int64_t t = w / H, h = w % H;
        kernels::attend_latent(&s.q_abs[t * H * qk], s.kv_, li, pos + t + 1, L, R, kq_scale_, &s.ctx[t * H * L], scores,
                               h, h + 1);
      }
    });
    for (int64_t h = 0; h < H; ++h)
      kernels::matmul(l.v_b[h], &s.ctx[h * L], H * L, n, &s.att[h * vd], H * vd, s.scratch.data(), pool);
    kernels::matmul(l.wo, s.att.data(), H * vd, n, s.y.data(), E, s.scratch.data(), pool);
  }

  // DeepSeekMoE (§4.5): y = sum_k w_k E_k(x) + S(x). Tokens are grouped by expert so each
  // expert runs once over its tokens; every token sums its experts in ascending id order.
  void moe(const Layer& l, int64_t n, Deepseek2State& s, ThreadPool& pool) const {
    const ModelConfig& c = config_;
    const int64_t E = c.n_embd, K = c.n_expert_used;
    kernels::matmul(l.router, s.xn.data(), E, n, s.router_logits.data(), c.n_expert, s.scratch.data(), pool);
    const float* bias = l.router_bias.empty() ? nullptr : l.router_bias.data();
    for (int64_t t = 0; t < n; ++t)
      router_.route(&s.router_logits[t * c.n_expert], bias, &s.route_ids[t * K], &s.route_weights[t * K],
                    s.router_scratch.data());
    std::fill_n(s.moe_out.begin(), n * E, 0.0f);
    for (int64_t e = 0; e < c.n_expert; ++e) {
      int64_t m = 0;
      for (int64_t t = 0; t < n; ++t)
        for (int64_t k = 0; k < K; ++k)
          if (s.route_ids[t * K + k] == e) {
            s.expert_tokens[m] = t;
            s.expert_w[m] = s.route_weights[t * K + k];
            std::copy_n(&s.xn[t * E], E, &s.expert_x[m * E]);
            ++m;
          }
      if (m == 0) continue;
      mlp(l.experts[e], s.expert_x.data(), m, s.expert_y.data(), s, pool);
      for (int64_t j = 0; j < m; ++j)
        for (int64_t i = 0; i < E; ++i) s.moe_out[s.expert_tokens[j] * E + i] += s.expert_y[j * E + i] * s.expert_w[j];
    }
    if (l.shared.gate) {
      mlp(l.shared, s.xn.data(), n, s.y.data(), s, pool);
      for (int64_t i = 0; i < n * E; ++i) s.y[i] = s.moe_out[i] + s.y[i];
    } else {
      std::copy_n(s.moe_out.begin(), n * E, s.y.begin());
    }
  }

  // y = W_down (silu(W_gate x) ⊙ W_up x) for n rows of n_embd.
  void mlp(const Ffn& f, const float* x, int64_t n, float* y, Deepseek2State& s, ThreadPool& pool) const {
    const int64_t E = config_.n_embd, ff = f.gate.rows;
    kernels::matmul(f.gate, x, E, n, s.gate.data(), ff, s.scratch.data(), pool);
    kernels::matmul(f.up, x, E, n, s.up.data(), ff, s.scratch.data(), pool);
    for (int64_t t = 0; t < n; ++t) kernels::swiglu(&s.gate[t * ff], &s.up[t * ff], &s.gate[t * ff], ff);
    kernels::matmul(f.down, s.gate.data(), ff, n, y, E, s.scratch.data(), pool);
  }

  // Block i of the file: attention, then the dense MLP or the MoE (§4.3, §6.5).
  Status bind_layer(int64_t i, Layer& l) {
    const ModelConfig& c = config_;
    const int64_t E = c.n_embd, H = c.n_head, hd = c.head_dim, L = c.kv_lora_rank, R = c.rope_dim;
    const std::string p = "blk." + std::to_string(i) + ".";
    ONBOARD_ASSIGN_OR_RETURN(l.attn_norm, load_vector(file_, p + "attn_norm.weight", E));
    ONBOARD_ASSIGN_OR_RETURN(l.ffn_norm, load_vector(file_, p + "ffn_norm.weight", E));
    if (c.q_lora_rank > 0) {
      ONBOARD_ASSIGN_OR_RETURN(l.q_a, bind_matrix(file_, p + "attn_q_a.weight", E, c.q_lora_rank));
      ONBOARD_ASSIGN_OR_RETURN(l.q_a_norm, load_vector(file_, p + "attn_q_a_norm.weight", c.q_lora_rank));
      ONBOARD_ASSIGN_OR_RETURN(l.q_b, bind_matrix(file_, p + "attn_q_b.weight", c.q_lora_rank, H * hd));
    } else {
      ONBOARD_ASSIGN_OR_RETURN(l.q, bind_matrix(file_, p + "attn_q.weight", E, H * hd));
    }
    ONBOARD_ASSIGN_OR_RETURN(l.kv_a, bind_matrix(file_, p + "attn_kv_a_mqa.weight", E, L + R));
    ONBOARD_ASSIGN_OR_RETURN(l.kv_a_norm, load_vector(file_, p + "attn_kv_a_norm.weight", L));
    if (file_.find_tensor(p + "attn_k_b.weight")) {
      ONBOARD_ASSIGN_OR_RETURN(l.k_b, bind_matrix_stack(file_, p + "attn_k_b.weight", c.qk_nope_dim, L, H));
      ONBOARD_ASSIGN_OR_RETURN(l.v_b, bind_matrix_stack(file_, p + "attn_v_b.weight", L, c.v_head_dim, H));
    } else {
      ONBOARD_TRY(split_legacy_kv_b(p, l));
    }
    ONBOARD_ASSIGN_OR_RETURN(l.wo, bind_matrix(file_, p + "attn_output.weight", H * c.v_head_dim, E));

    l.moe = c.n_expert > 0 && i >= c.n_dense_lead;
    if (!l.moe) return bind_ffn(p, "", E, c.n_ff, l.dense);
    ONBOARD_ASSIGN_OR_RETURN(l.router, bind_matrix(file_, p + "ffn_gate_inp.weight", E, c.n_expert));
    if (file_.find_tensor(p + "exp_probs_b.bias")) {
      ONBOARD_ASSIGN_OR_RETURN(l.router_bias, load_vector(file_, p + "exp_probs_b.bias", c.n_expert));
    }
    std::vector<Weight> gate, up, down;
    ONBOARD_ASSIGN_OR_RETURN(gate, bind_matrix_stack(file_, p + "ffn_gate_exps.weight", E, c.n_ff_expert, c.n_expert));
    ONBOARD_ASSIGN_OR_RETURN(up, bind_matrix_stack(file_, p + "ffn_up_exps.weight", E, c.n_ff_expert, c.n_expert));
    ONBOARD_ASSIGN_OR_RETURN(down, bind_matrix_stack(file_, p + "ffn_down_exps.weight", c.n_ff_expert, E, c.n_expert));
    for (int64_t e = 0; e < c.n_expert; ++e) l.experts.push_back({gate[e], up[e], down[e]});
    if (c.n_expert_shared > 0) ONBOARD_TRY(bind_ffn(p, "_shexp", E, c.n_ff_expert * c.n_expert_shared, l.shared));
    return Status::Ok();
  }

  // An MTP module (§4.6): its decoder block plus eh_proj over [enorm(embedding) ; hnorm(h)] and
  // the head norm; the embedding and head copies are optional (llama.cpp falls back to the main
  // ones too). Bound and shape-checked only: its speculative decoding is not wired yet, and the
  // main forward never reads it.
  Status bind_mtp(int64_t i, MtpModule& m) {
    const ModelConfig& c = config_;
    const int64_t E = c.n_embd;
    const std::string p = "blk." + std::to_string(i) + ".nextn.";
    ONBOARD_TRY(bind_layer(i, m.block));
    ONBOARD_ASSIGN_OR_RETURN(m.eh_proj, bind_matrix(file_, p + "eh_proj.weight", 2 * E, E));
    ONBOARD_ASSIGN_OR_RETURN(m.enorm, load_vector(file_, p + "enorm.weight", E));
    ONBOARD_ASSIGN_OR_RETURN(m.hnorm, load_vector(file_, p + "hnorm.weight", E));
    if (file_.find_tensor(p + "shared_head_norm.weight")) {
      ONBOARD_ASSIGN_OR_RETURN(m.head_norm, load_vector(file_, p + "shared_head_norm.weight", E));
    } else {
      m.head_norm = output_norm_;
    }
    ONBOARD_ASSIGN_OR_RETURN(m.embd, bind_optional_matrix(file_, p + "embed_tokens.weight", E, c.n_vocab));
    if (!m.embd) m.embd = embd_;
    ONBOARD_ASSIGN_OR_RETURN(m.head, bind_optional_matrix(file_, p + "shared_head_head.weight", E, c.n_vocab));
    if (!m.head) m.head = output_;
    return Status::Ok();
  }

  Status bind_ffn(const std::string& p, const std::string& suffix, int64_t n_embd, int64_t n_ff, Ffn& f) {
    ONBOARD_ASSIGN_OR_RETURN(f.gate, bind_matrix(file_, p + "ffn_gate" + suffix + ".weight", n_embd, n_ff));
    ONBOARD_ASSIGN_OR_RETURN(f.up, bind_matrix(file_, p + "ffn_up" + suffix + ".weight", n_embd, n_ff));
    ONBOARD_ASSIGN_OR_RETURN(f.down, bind_matrix(file_, p + "ffn_down" + suffix + ".weight", n_ff, n_embd));
    return Status::Ok();
  }

  // Legacy GGUF (attn_kv_b = kv_b_proj, rows per head: qk_nope rows of W_UK[h], then v_dim
  // rows of W_UV[h]; §4.1). W_UV[h] is a view; W_UK[h]^T is built once, in F32.
  Status split_legacy_kv_b(const std::string& p, Layer& l) {
    const ModelConfig& c = config_;
    const int64_t H = c.n_head, L = c.kv_lora_rank, nope = c.qk_nope_dim, vd = c.v_head_dim;
    Weight kv_b;
    ONBOARD_ASSIGN_OR_RETURN(kv_b, bind_matrix(file_, p + "attn_kv_b.weight", L, H * (nope + vd)));
    l.k_b_built.assign(static_cast<size_t>(H * L * nope), 0.0f);
    std::vector<float> row(L);
    for (int64_t h = 0; h < H; ++h) {
      float* kt = &l.k_b_built[h * L * nope];
      for (int64_t d = 0; d < nope; ++d) {
        dequantize_row(kv_b.type, kv_b.row(h * (nope + vd) + d), row.data(), L);
        for (int64_t ci = 0; ci < L; ++ci) kt[ci * nope + d] = row[ci];
      }
      Weight k{GgmlType::F32, reinterpret_cast<const uint8_t*>(kt), nope, L, nope * sizeof(float),
               kv_b.name + " W_UK^T[" + std::to_string(h) + "]"};
      Weight v = kv_b;
      v.data = kv_b.row(h * (nope + vd) + nope);
      v.rows = vd;
      v.name = kv_b.name + " W_UV[" + std::to_string(h) + "]";
      l.k_b.push_back(std::move(k));
      l.v_b.push_back(std::move(v));
    }
    return Status::Ok();
  }

  template <typename Fn>
  void for_each_weight(Fn&& fn) const {
    for (const Layer& l : layers_) {
      for (const Weight* w : {&l.q_a, &l.q_b, &l.q, &l.kv_a, &l.wo, &l.router, &l.dense.gate, &l.dense.up,
                              &l.dense.down, &l.shared.gate, &l.shared.up, &l.shared.down})
        if (*w) fn(*w);
      for (const auto* stack : {&l.k_b, &l.v_b})
        for (const Weight& w : *stack) fn(w);
      for (const Ffn& f : l.experts)
        for (const Weight* w : {&f.gate, &f.up, &f.down}) fn(*w);
    }
  }

  Weight embd_, output_;
  std::vector<float> output_norm_;
  std::vector<float> inv_freq_;
  float kq_scale_ = 1.f;
  MoeRouter router_;
  std::vector<Layer> layers_;
  std::vector<MtpModule> mtp_;
};

}  // namespace

Expected<std::unique_ptr<Model>> load_deepseek2(gguf::GgufFile file, ModelConfig config) {
  auto m = std::make_unique<Deepseek2>(std::move(file), std::move(config));
  ONBOARD_TRY(m->bind());
  return std::unique_ptr<Model>(std::move(m));
}

}  // namespace onboard::model
