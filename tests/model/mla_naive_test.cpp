// The absorbed latent attention of model/deepseek2.cpp against the naive form (reference §4.2
// item 5): a test-only F32 forward that reconstructs every position's full keys and values
// from the cached latent through kv_b (k_nope[h] = W_UK[h] c_kv, v[h] = W_UV[h] c_kv), runs
// standard causal softmax attention over [k_nope ; k_pe], and shares nothing with the engine's
// attention but the norm / RoPE / SwiGLU kernels and the router (each tested on its own).
// Both must give the same logits at every position of the fixture prompts, within the
// fixtures' F32 tolerance (1e-3 x the std of the reference logits).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/thread_pool.h"
#include "fixture_reference.h"
#include "format/gguf.h"
#include "kernels/rms_norm.h"
#include "kernels/rope.h"
#include "kernels/swiglu.h"
#include "model/model.h"
#include "model/model_config.h"
#include "model/moe_router.h"
#include "tensor/dequantize.h"

namespace onboard::model {
namespace {

// A weight as a dense F32 matrix: rows x cols, y = W x.
struct Mat {
  int64_t rows = 0, cols = 0;
  std::vector<float> w;
  std::vector<float> operator()(const std::vector<float>& x) const {
    std::vector<float> y(static_cast<size_t>(rows), 0.f);
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0;
      for (int64_t c = 0; c < cols; ++c) s += static_cast<double>(w[r * cols + c]) * x[c];
      y[r] = static_cast<float>(s);
    }
    return y;
  }
};

// The naive deepseek2 forward, straight from the equations, one position at a time.
class NaiveDeepseek2 {
 public:
  explicit NaiveDeepseek2(const gguf::GgufFile& f) : f_(f) {}

  Status init() {
    ONBOARD_ASSIGN_OR_RETURN(c_, read_config(f_));
    inv_freq_ = c_.yarn_factor > 0 ? kernels::yarn_inv_freq(c_.rope_theta, c_.rope_dim, c_.yarn_factor, c_.yarn_orig_ctx,
                                                            c_.yarn_beta_fast, c_.yarn_beta_slow)
                                   : kernels::rope_inv_freq(c_.rope_theta, c_.rope_dim, {});
    const double m = c_.yarn_factor > 0 ? kernels::yarn_mscale(c_.yarn_factor, c_.yarn_mscale_all_dim) : 1.0;
    scale_ = m * m / std::sqrt(static_cast<double>(c_.head_dim));
    router_ = MoeRouter(moe_router_config(c_));
    k_cache_.resize(c_.n_layer);
    v_cache_.resize(c_.n_layer);
    return Status::Ok();
  }

  // Logits after feeding token at position pos (positions must come in order from 0).
  std::vector<float> step(int32_t token, int64_t pos) {
    const int64_t E = c_.n_embd;
    std::vector<float> h = row("token_embd.weight", token, E);
    std::vector<float> cs(static_cast<size_t>(c_.rope_dim));
    kernels::rope_cos_sin(inv_freq_, pos, cs.data());
    for (int64_t li = 0; li < c_.n_layer; ++li) {
      const std::string p = "blk." + std::to_string(li) + ".";
      add(h, attention(li, p, norm(h, p + "attn_norm.weight"), cs, pos));
      const std::vector<float> xn = norm(h, p + "ffn_norm.weight");
      add(h, c_.n_expert > 0 && li >= c_.n_dense_lead ? moe(p, xn) : mlp(p, "", xn));
    }
    return mat("output.weight")(norm(h, "output_norm.weight"));
  }

 private:
  std::vector<float> attention(int64_t li, const std::string& p, const std::vector<float>& x,
                               const std::vector<float>& cs, int64_t pos) {
    const int64_t H = c_.n_head, hd = c_.head_dim, nope = c_.qk_nope_dim, R = c_.rope_dim;
    const int64_t L = c_.kv_lora_rank, vd = c_.v_head_dim;
    std::vector<float> q = c_.q_lora_rank > 0 ? mat(p + "attn_q_b.weight")(norm(mat(p + "attn_q_a.weight")(x),
                                                                                p + "attn_q_a_norm.weight"))
                                              : mat(p + "attn_q.weight")(x);
    std::vector<float> kv = mat(p + "attn_kv_a_mqa.weight")(x);
    std::vector<float> c_kv(kv.begin(), kv.begin() + L), k_pe(kv.begin() + L, kv.end());
    c_kv = norm(c_kv, p + "attn_kv_a_norm.weight");
    kernels::apply_rope(k_pe.data(), 1, R, R, cs.data(), c_.rope_layout);
    kernels::apply_rope(q.data() + nope, H, hd, R, cs.data(), c_.rope_layout);
    // Full keys and values of this position: K[h] = [W_UK[h] c_kv ; k_pe], V[h] = W_UV[h] c_kv.
    std::vector<float> k(static_cast<size_t>(H * hd)), v(static_cast<size_t>(H * vd));
    for (int64_t h = 0; h < H; ++h) {
      const std::vector<float> kn = w_uk(p, h)(c_kv), vh = w_uv(p, h)(c_kv);
      std::copy(kn.begin(), kn.end(), k.begin() + h * hd);
      std::copy(k_pe.begin(), k_pe.end(), k.begin() + h * hd + nope);
      std::copy(vh.begin(), vh.end(), v.begin() + h * vd);
    }
    k_cache_[li].push_back(std::move(k));
    v_cache_[li].push_back(std::move(v));
    // Standard causal attention per head over positions 0..pos.
    std::vector<float> o(static_cast<size_t>(H * vd), 0.f);
    for (int64_t h = 0; h < H; ++h) {
      std::vector<double> s(static_cast<size_t>(pos + 1));
      double mx = -1e300;
      for (int64_t t = 0; t <= pos; ++t) {
        double d = 0;
        for (int64_t i = 0; i < hd; ++i) d += static_cast<double>(q[h * hd + i]) * k_cache_[li][t][h * hd + i];
        s[t] = d * scale_;
        mx = std::max(mx, s[t]);
      }
      double z = 0;
      for (double& e : s) z += (e = std::exp(e - mx));
      for (int64_t i = 0; i < vd; ++i) {
        double acc = 0;
        for (int64_t t = 0; t <= pos; ++t) acc += s[t] / z * v_cache_[li][t][h * vd + i];
        o[h * vd + i] = static_cast<float>(acc);
      }
    }
    return mat(p + "attn_output.weight")(o);
  }

  std::vector<float> moe(const std::string& p, const std::vector<float>& x) {
    const int64_t K = c_.n_expert_used, E = c_.n_embd, F = c_.n_ff_expert;
    const std::vector<float> logits = mat(p + "ffn_gate_inp.weight")(x);
    std::vector<float> bias;
    if (f_.find_tensor(p + "exp_probs_b.bias")) bias = row(p + "exp_probs_b.bias", 0, c_.n_expert);
    std::vector<int32_t> ids(static_cast<size_t>(K));
    std::vector<float> w(static_cast<size_t>(K)), scratch(static_cast<size_t>(router_.scratch_floats()));
    router_.route(logits.data(), bias.empty() ? nullptr : bias.data(), ids.data(), w.data(), scratch.data());
    std::vector<float> y = c_.n_expert_shared > 0 ? mlp(p, "_shexp", x) : std::vector<float>(static_cast<size_t>(E), 0.f);
    for (int64_t k = 0; k < K; ++k) {
      const int64_t e = ids[k];
      const std::vector<float> g = slab(p + "ffn_gate_exps.weight", e, F, E)(x), u = slab(p + "ffn_up_exps.weight", e, F, E)(x);
      std::vector<float> a(static_cast<size_t>(F));
      kernels::swiglu(g.data(), u.data(), a.data(), F);
      const std::vector<float> d = slab(p + "ffn_down_exps.weight", e, E, F)(a);
      for (int64_t i = 0; i < E; ++i) y[i] += w[k] * d[i];
    }
    return y;
  }

  std::vector<float> mlp(const std::string& p, const std::string& suffix, const std::vector<float>& x) {
    const std::vector<float> g = mat(p + "ffn_gate" + suffix + ".weight")(x), u = mat(p + "ffn_up" + suffix + ".weight")(x);
    std::vector<float> a(g.size());
    kernels::swiglu(g.data(), u.data(), a.data(), static_cast<int64_t>(g.size()));
    return mat(p + "ffn_down" + suffix + ".weight")(a);
  }

  // W_UK[h] (qk_nope x kv_lora) and W_UV[h] (v_dim x kv_lora), from attn_k_b / attn_v_b (MLA
  // GGUF: attn_k_b holds W_UK[h] transposed) or from the rows of a legacy attn_kv_b.
  Mat w_uk(const std::string& p, int64_t h) {
    const int64_t L = c_.kv_lora_rank, nope = c_.qk_nope_dim;
    if (f_.find_tensor(p + "attn_k_b.weight")) {
      const Mat t = slab(p + "attn_k_b.weight", h, L, nope);
      Mat m{nope, L, std::vector<float>(static_cast<size_t>(nope * L))};
      for (int64_t c = 0; c < L; ++c)
        for (int64_t d = 0; d < nope; ++d) m.w[d * L + c] = t.w[c * nope + d];
      return m;
    }
    return slab(p + "attn_kv_b.weight", 0, nope, L, h * (nope + c_.v_head_dim));
  }
  Mat w_uv(const std::string& p, int64_t h) {
    const int64_t L = c_.kv_lora_rank, nope = c_.qk_nope_dim, vd = c_.v_head_dim;
    if (f_.find_tensor(p + "attn_v_b.weight")) return slab(p + "attn_v_b.weight", h, vd, L);
    return slab(p + "attn_kv_b.weight", 0, vd, L, h * (nope + vd) + nope);
  }

  // Rows [first, first + rows) of matrix `index` of a stacked tensor, dequantized.
  Mat slab(const std::string& name, int64_t index, int64_t rows, int64_t cols, int64_t first = 0) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    Mat m{rows, cols, std::vector<float>(static_cast<size_t>(rows * cols))};
    const size_t rb = row_bytes(t->type, cols);
    for (int64_t r = 0; r < rows; ++r)
      dequantize_row(t->type, t->data + (index * t->ne[1] + first + r) * rb,
                     &m.w[r * cols], cols);
    return m;
  }
  Mat mat(const std::string& name) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (!t) t = f_.find_tensor("token_embd.weight");  // tied head
    return slab(std::string(t->name), 0, t->ne[1], t->ne[0]);
  }
  std::vector<float> row(const std::string& name, int64_t r, int64_t n) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    std::vector<float> v(static_cast<size_t>(n));
    dequantize_row(t->type, t->data + r * row_bytes(t->type, n), v.data(), n);
    return v;
  }
  std::vector<float> norm(const std::vector<float>& x, const std::string& weight) {
    const int64_t n = static_cast<int64_t>(x.size());
    const std::vector<float> g = row(weight, 0, n);
    std::vector<float> y(x.size());
    kernels::rms_norm(x.data(), g.data(), y.data(), n, c_.rms_eps);
    return y;
  }
  static void add(std::vector<float>& h, const std::vector<float>& d) {
    for (size_t i = 0; i < h.size(); ++i) h[i] += d[i];
  }

  const gguf::GgufFile& f_;
  ModelConfig c_;
  std::vector<float> inv_freq_;
  double scale_ = 1;
  MoeRouter router_;
  std::vector<std::vector<std::vector<float>>> k_cache_, v_cache_;  // [layer][pos][H * dim]
};

class AbsorbedVsNaive : public ::testing::TestWithParam<const char*> {};

TEST_P(AbsorbedVsNaive, SameLogitsAtEveryPromptPosition) {
  const std::string name = GetParam();
  const testing::Reference e = testing::read_reference(name);
  auto file = gguf::GgufFile::open(testing::kModels + name + ".gguf");
  ASSERT_TRUE(file.ok());
  NaiveDeepseek2 naive(*file);
  ASSERT_TRUE(naive.init().ok());
  auto model = testing::load_fixture(name);
  ASSERT_TRUE(model);
  StateOptions opt;
  opt.n_ctx = 64;
  opt.n_batch = 32;
  opt.n_threads = 2;
  opt.all_logits = true;
  auto state = model->new_state(opt);
  ASSERT_TRUE(state.ok());
  ThreadPool pool(2);
  // The prompt in one batch, then the greedy continuation one token at a time: positions 0
  // to prompt + 7, through both the batched and the single-token paths.
  ASSERT_TRUE(model->forward(**state, e.prompt, 0, pool).ok());
  std::vector<std::vector<float>> engine;
  for (int64_t i = 0; i < (*state)->n_logits(); ++i)
    engine.emplace_back((*state)->logits(i), (*state)->logits(i) + (*state)->n_vocab());
  std::vector<int32_t> tokens = e.prompt;
  for (int k = 0; k < 8; ++k) {
    const int32_t t = e.greedy[k];
    ASSERT_TRUE(model->forward(**state, std::span<const int32_t>(&t, 1), static_cast<int64_t>(tokens.size()), pool).ok());
    tokens.push_back(t);
    const float* l = (*state)->logits((*state)->n_logits() - 1);
    engine.emplace_back(l, l + (*state)->n_vocab());
  }
  const float tol = e.atol;  // 1e-3 x std of the reference logits (fixtures README)
  ASSERT_GT(tol, 0.f);
  double worst = 0;
  for (size_t pos = 0; pos < tokens.size(); ++pos) {
    const std::vector<float> ref = naive.step(tokens[pos], static_cast<int64_t>(pos));
    ASSERT_EQ(ref.size(), engine[pos].size());
    double d = 0;
    for (size_t i = 0; i < ref.size(); ++i) d = std::max(d, static_cast<double>(std::fabs(ref[i] - engine[pos][i])));
    EXPECT_LE(d, tol) << name << " position " << pos;
    worst = std::max(worst, d);
  }
  RecordProperty("max_abs_diff", std::to_string(worst));
  std::printf("%s: %zu positions, max |absorbed - naive| = %.3g (tolerance %.3g)\n", name.c_str(), tokens.size(), worst,
              static_cast<double>(tol));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AbsorbedVsNaive, ::testing::Values("tiny-v2", "tiny-v2-lite", "tiny-v3-mla"));

}  // namespace
}  // namespace onboard::model
