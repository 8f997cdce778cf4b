// DeepSeekMoE reads only the selected experts' weights (so decode cost follows active, not
// total, parameters): one routed expert at a time of one MoE layer is overwritten with NaN; a
// single-token forward must come out bit-identical for every expert except exactly the
// n_expert_used the router picked, whose NaN reaches the logits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/thread_pool.h"
#include "fixture_reference.h"
#include "gguf_rewrite.h"
#include "model/model.h"

namespace onboard::model {
namespace {

std::vector<float> one_token_logits(gguf::GgufFile file, int32_t token) {
  auto m = load_model(std::move(file));
  EXPECT_TRUE(m.ok()) << m.error().message;
  if (!m.ok()) return {};
  StateOptions opt;
  opt.n_ctx = 8;
  opt.n_threads = 2;
  auto s = (*m)->new_state(opt);
  ThreadPool pool(2);
  EXPECT_TRUE((*m)->forward(**s, std::span<const int32_t>(&token, 1), 0, pool).ok());
  return std::vector<float>((*s)->logits(0), (*s)->logits(0) + (*s)->n_vocab());
}

class ActiveExperts : public ::testing::TestWithParam<const char*> {};

TEST_P(ActiveExperts, OnlyTheRoutedExpertsAreRead) {
  const std::string path = testing::kModels + std::string(GetParam()) + ".gguf";
  auto src = gguf::GgufFile::open(path);
  ASSERT_TRUE(src.ok());
  auto cfg = read_config(*src);
  ASSERT_TRUE(cfg.ok());
  const int64_t layer = cfg->n_dense_lead;  // the first MoE layer
  const std::string prefix = "blk." + std::to_string(layer) + ".ffn_";
  const int32_t token = 100;
  auto fresh = gguf::GgufFile::open(path);
  ASSERT_TRUE(fresh.ok());
  const std::vector<float> clean = one_token_logits(std::move(*fresh), token);
  ASSERT_FALSE(clean.empty());
  int used = 0;
  for (int64_t e = 0; e < cfg->n_expert; ++e) {
    std::vector<uint8_t> storage;
    auto poisoned = test_gguf::edited(
        *src,
        [&](const gguf::TensorInfo& t, std::vector<int64_t>& ne, std::vector<uint8_t>& data) {
          const std::string name(t.name);
          if (name.rfind(prefix, 0) == 0 && name.find("_exps.weight") != std::string::npos) {
            EXPECT_EQ(t.type, GgmlType::BF16);
            const size_t slab = data.size() / static_cast<size_t>(ne[2]);
            for (size_t i = e * slab; i < (e + 1) * slab; i += 2) {  // BF16 quiet NaN 0x7FC0
              data[i] = 0xC0;
              data[i + 1] = 0x7F;
            }
          }
          return true;
        },
        storage);
    ASSERT_TRUE(poisoned.ok()) << poisoned.error().message;
    const std::vector<float> out = one_token_logits(std::move(*poisoned), token);
    ASSERT_EQ(out.size(), clean.size());
    if (std::memcmp(out.data(), clean.data(), out.size() * sizeof(float)) == 0) continue;
    ++used;
    EXPECT_TRUE(std::isnan(out[0])) << "expert " << e << " changed the logits without its NaN showing";
  }
  EXPECT_EQ(used, cfg->n_expert_used) << GetParam() << " layer " << layer;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ActiveExperts, ::testing::Values("tiny-v2-lite", "tiny-v3-mla"));

}  // namespace
}  // namespace onboard::model
