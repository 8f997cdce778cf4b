// deepseek2 specifics (the fixture logits themselves are checked in fixture_conformance_test):
// MLA/MoE config keys, the latent cache size, thread-count and batching invariance, legacy
// attn_kv_b files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/gguf.h"
#include "format/gguf_writer.h"
#include "model/model.h"
#include "fixture_reference.h"
#include "runtime/sampler.h"

namespace onboard::model {
namespace {

using testing::kModels;
using testing::Reference;
using testing::read_reference;
using testing::max_diff_at;

std::unique_ptr<Model> load(const std::string& name) { return testing::load_fixture(name); }

// The no-q-LoRA variant is recognised from the file, not from a layer count llama.cpp expects.
TEST(Deepseek2Config, ReadsMlaAndMoeKeys) {
  auto v3 = load("tiny-v3-mla");
  ASSERT_TRUE(v3);
  const ModelConfig& c = v3->config();
  EXPECT_EQ(c.q_lora_rank, 64);
  EXPECT_EQ(c.kv_lora_rank, 512);
  EXPECT_EQ(c.qk_nope_dim, 128);
  EXPECT_EQ(c.rope_dim, 64);
  EXPECT_EQ(c.head_dim, 192);
  EXPECT_EQ(c.v_head_dim, 128);
  EXPECT_EQ(c.n_dense_lead, 1);
  EXPECT_EQ(c.n_expert, 16);
  EXPECT_EQ(c.n_expert_used, 4);
  EXPECT_EQ(c.n_expert_group, 4);
  EXPECT_EQ(c.n_expert_group_used, 2);
  EXPECT_EQ(c.expert_gating, ModelConfig::Gating::kSigmoid);
  EXPECT_TRUE(c.expert_weights_norm);
  EXPECT_FLOAT_EQ(c.expert_weights_scale, 2.5f);
  EXPECT_FLOAT_EQ(c.yarn_factor, 40.f);
  EXPECT_NEAR(c.yarn_mscale_all_dim, 1.0f, 1e-6);

  auto lite = load("tiny-v2-lite");
  ASSERT_TRUE(lite);
  EXPECT_EQ(lite->config().q_lora_rank, 0);
  EXPECT_EQ(lite->config().n_layer, 4);
  EXPECT_EQ(lite->config().expert_gating, ModelConfig::Gating::kSoftmax);
  EXPECT_FALSE(lite->config().expert_weights_norm);
  EXPECT_NEAR(lite->config().yarn_mscale_all_dim, 0.707f, 1e-6);
}

// Latent cache: kv_lora + rope values per token per layer, nothing else.
TEST(Deepseek2Cache, StoresOnlyTheLatentAndRopeKey) {
  auto v3 = load("tiny-v3-mla");
  ASSERT_TRUE(v3);
  StateOptions opt;
  opt.n_ctx = 16;
  for (GgmlType kv : {GgmlType::F32, GgmlType::F16}) {
    opt.kv_type = kv;
    auto state = v3->new_state(opt);
    ASSERT_TRUE(state.ok());
    const size_t elem = kv == GgmlType::F32 ? 4 : 2;
    EXPECT_EQ((*state)->kv().bytes_per_token(), 3u * (512 + 64) * elem);
  }
}

TEST(Deepseek2Model, BitIdenticalOnEveryThreadCount) {
  auto run = [](int threads) {
    auto model = load("tiny-v3-mla");
    StateOptions opt;
    opt.n_ctx = 64;
    opt.n_threads = threads;
    auto state = model->new_state(opt);
    ThreadPool pool(threads);
    std::vector<int32_t> toks = {0, 128803, 2788, 9992, 110226};
    int64_t pos = 0;
    std::vector<int32_t> out;
    EXPECT_TRUE(model->forward(**state, toks, pos, pool).ok());
    pos += toks.size();
    for (int i = 0; i < 6; ++i) {
      const int32_t t = runtime::Sampler::argmax((*state)->logits(0), (*state)->n_vocab());
      out.push_back(t);
      EXPECT_TRUE(model->forward(**state, std::span<const int32_t>(&t, 1), pos++, pool).ok());
    }
    std::vector<float> logits((*state)->logits(0), (*state)->logits(0) + (*state)->n_vocab());
    return std::make_pair(out, logits);
  };
  const auto one = run(1);
  for (int t : {2, 3}) {
    const auto other = run(t);
    EXPECT_EQ(other.first, one.first) << t << " threads";
    EXPECT_EQ(other.second, one.second) << t << " threads: logits must be bit-identical";
  }
}

// Prefill in one batch and token-by-token decode give the same logits (experts grouped by
// expert over a batch vs run per token).
TEST(Deepseek2Model, BatchedPrefillMatchesTokenByToken) {
  auto model = load("tiny-v2");
  ASSERT_TRUE(model);
  const Reference e = read_reference("tiny-v2");
  StateOptions opt;
  opt.n_ctx = 32;
  ThreadPool pool(1);
  auto batched = model->new_state(opt);
  auto stepped = model->new_state(opt);
  ASSERT_TRUE(model->forward(**batched, e.prompt, 0, pool).ok());
  for (size_t p = 0; p < e.prompt.size(); ++p)
    ASSERT_TRUE(model->forward(**stepped, std::span<const int32_t>(&e.prompt[p], 1), p, pool).ok());
  float d = 0;
  for (int64_t i = 0; i < (*batched)->n_vocab(); ++i)
    d = std::max(d, std::fabs((*batched)->logits(0)[i] - (*stepped)->logits(0)[i]));
  EXPECT_LE(d, 1e-4f);
}

// A legacy (pre-MLA) GGUF of the same weights: attn_kv_b = kv_b_proj rebuilt from attn_k_b /
// attn_v_b, head_count_kv = n_head, key/value_length = 192/128 and no *_mla keys (§6.4-6.5).
// The engine derives W_UK^T and W_UV from attn_kv_b and must give the same logits.
TEST(Deepseek2Legacy, KvBFileMatchesTheReference) {
  const std::string name = "tiny-v3-mla";
  auto src = gguf::GgufFile::open(kModels + name + ".gguf");
  ASSERT_TRUE(src.ok());
  gguf::GgufWriter w;
  for (const auto& kv : src->metadata()) {
    const std::string key(kv.key);
    if (key.find("_mla") != std::string::npos || key == "deepseek2.attention.key_length" ||
        key == "deepseek2.attention.value_length" || key == "deepseek2.attention.head_count_kv")
      continue;
    w.add_value(key, kv.value);
  }
  w.add_u32("deepseek2.attention.head_count_kv", 4);
  w.add_u32("deepseek2.attention.key_length", 192);
  w.add_u32("deepseek2.attention.value_length", 128);
  const int64_t H = 4, L = 512, nope = 128, vd = 128;
  for (const auto& t : src->tensors()) {
    const std::string tn(t.name);
    if (tn.ends_with("attn_v_b.weight")) continue;
    if (tn.ends_with("attn_k_b.weight")) {
      ASSERT_EQ(t.type, GgmlType::BF16);
      const std::string p = tn.substr(0, tn.size() - std::string("attn_k_b.weight").size());
      const auto* k_b = reinterpret_cast<const uint16_t*>(t.data);
      const auto* v_b = reinterpret_cast<const uint16_t*>(src->find_tensor(p + "attn_v_b.weight")->data);
      std::vector<uint16_t> kv_b(static_cast<size_t>(H * (nope + vd) * L));
      for (int64_t h = 0; h < H; ++h)
        for (int64_t c = 0; c < L; ++c) {
          for (int64_t d = 0; d < nope; ++d) kv_b[(h * (nope + vd) + d) * L + c] = k_b[(h * L + c) * nope + d];
          for (int64_t d = 0; d < vd; ++d) kv_b[(h * (nope + vd) + nope + d) * L + c] = v_b[(h * vd + d) * L + c];
        }
      std::vector<uint8_t> bytes(kv_b.size() * 2);
      std::memcpy(bytes.data(), kv_b.data(), bytes.size());
      ASSERT_TRUE(w.add_tensor(p + "attn_kv_b.weight", GgmlType::BF16, {L, H * (nope + vd)}, std::move(bytes)).ok());
      continue;
    }
    std::vector<int64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    ASSERT_TRUE(w.add_tensor(tn, t.type, ne, std::vector<uint8_t>(t.data, t.data + t.n_bytes)).ok());
  }
  const std::string path = std::string(ONBOARD_BINARY_DIR) + "/tiny-v3-legacy-kv-b.gguf";
  ASSERT_TRUE(w.write(path).ok());

  auto file = gguf::GgufFile::open(path);
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto model = load_model(std::move(*file));
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ((*model)->config().head_dim, 192);
  EXPECT_EQ((*model)->config().v_head_dim, 128);
  const Reference e = read_reference(name);
  StateOptions opt;
  opt.n_ctx = 32;
  opt.all_logits = true;
  auto state = (*model)->new_state(opt);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ((*state)->kv().bytes_per_token(), 3u * (512 + 64) * 4);  // still the latent cache
  ThreadPool pool(1);
  ASSERT_TRUE((*model)->forward(**state, e.prompt, 0, pool).ok());
  for (size_t p = 0; p < e.prompt.size(); ++p)
    EXPECT_LE(max_diff_at((*state)->logits(p), e.cols, e.all_sampled[p]), e.atol) << "prompt position " << p;
}

}  // namespace
}  // namespace onboard::model
