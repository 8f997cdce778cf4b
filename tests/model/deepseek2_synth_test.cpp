// `onboard synth` for deepseek2: the deepseek-v2-lite and deepseek-v3-tiny presets against
// reference §4.1 / §6.4-6.5, the metadata read back by the loader, the MTP module (loaded and
// shape-checked when present, no effect on the main forward), and --type Q4_K_M written
// directly being the same bytes as `onboard quantize` of the F32 file.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "format/gguf.h"
#include "format/quantize_file.h"
#include "gguf_rewrite.h"
#include "model/model_config.h"
#include "model/synthesize.h"
#include "synth_test_util.h"

namespace onboard::model {
namespace {

using synth_test::run_prompt;
using synth_test::work_dir;

TEST(SynthPresets, DeepSeekV2LiteIsTheRealShape) {
  const SynthPreset* p = find_synth_preset("deepseek-v2-lite");
  ASSERT_NE(p, nullptr);
  // Reference §4.1, V2-Lite column.
  EXPECT_EQ(p->arch, "deepseek2");
  EXPECT_EQ(p->n_vocab, 102400);
  EXPECT_EQ(p->n_embd, 2048);
  EXPECT_EQ(p->n_layer, 27);
  EXPECT_EQ(p->n_head, 16);
  EXPECT_EQ(p->q_lora_rank, 0);
  EXPECT_EQ(p->kv_lora_rank, 512);
  EXPECT_EQ(p->qk_nope_dim, 128);
  EXPECT_EQ(p->qk_rope_dim, 64);
  EXPECT_EQ(p->v_head_dim, 128);
  EXPECT_EQ(p->head_dim, 192);
  EXPECT_EQ(p->n_ff, 10944);
  EXPECT_EQ(p->n_dense_lead, 1);
  EXPECT_EQ(p->n_expert, 64);
  EXPECT_EQ(p->n_expert_shared, 2);
  EXPECT_EQ(p->n_expert_used, 6);
  EXPECT_EQ(p->n_ff_expert, 1408);
  EXPECT_EQ(p->expert_gating, 1);
  EXPECT_EQ(p->n_expert_group, 1);
  EXPECT_FALSE(p->expert_weights_norm);
  EXPECT_FLOAT_EQ(p->expert_weights_scale, 1.f);
  EXPECT_FLOAT_EQ(p->yarn_factor, 40.f);
  EXPECT_EQ(p->yarn_orig_ctx, 4096);
  EXPECT_FLOAT_EQ(p->yarn_mscale_all_dim, 0.707f);
  EXPECT_FLOAT_EQ(p->yarn_beta_fast, 32.f);
  EXPECT_FLOAT_EQ(p->yarn_beta_slow, 1.f);
  EXPECT_FLOAT_EQ(p->rope_theta, 10000.f);
  EXPECT_FLOAT_EQ(p->rms_eps, 1e-6f);
  EXPECT_EQ(p->n_nextn, 0);

  // §4.1 "Derived shapes" (PyTorch [out, in] there, GGUF ne = [in, out] here) and §6.5.
  std::map<std::string, std::vector<int64_t>> shape;
  for (const auto& t : synth_tensor_table(*p)) shape[t.name] = t.ne;
  const std::map<std::string, std::vector<int64_t>> want = {
      {"token_embd.weight", {2048, 102400}},
      {"output.weight", {2048, 102400}},
      {"blk.0.ffn_gate.weight", {2048, 10944}},
      {"blk.0.ffn_down.weight", {10944, 2048}},
      {"blk.1.attn_q.weight", {2048, 3072}},
      {"blk.1.attn_kv_a_mqa.weight", {2048, 576}},
      {"blk.1.attn_kv_a_norm.weight", {512}},
      {"blk.1.attn_k_b.weight", {128, 512, 16}},
      {"blk.1.attn_v_b.weight", {512, 128, 16}},
      {"blk.1.attn_output.weight", {2048, 2048}},
      {"blk.1.ffn_gate_inp.weight", {2048, 64}},
      {"blk.1.ffn_gate_exps.weight", {2048, 1408, 64}},
      {"blk.1.ffn_up_exps.weight", {2048, 1408, 64}},
      {"blk.1.ffn_down_exps.weight", {1408, 2048, 64}},
      {"blk.1.ffn_gate_shexp.weight", {2048, 2816}},
      {"blk.1.ffn_down_shexp.weight", {2816, 2048}},
      {"blk.26.ffn_up_exps.weight", {2048, 1408, 64}},
  };
  for (const auto& [name, ne] : want) {
    ASSERT_TRUE(shape.count(name)) << name;
    EXPECT_EQ(shape[name], ne) << name;
  }
  EXPECT_FALSE(shape.count("blk.1.attn_q_a.weight"));
  EXPECT_FALSE(shape.count("blk.0.ffn_gate_exps.weight"));
  EXPECT_FALSE(shape.count("blk.1.exp_probs_b.bias"));
  EXPECT_FALSE(shape.count("blk.27.attn_norm.weight"));
  // "16B" (15.7B): 2 x 209.7M vocabulary matrices, 27 x 13.8M attention, one 67.2M dense MLP,
  // 26 x 571M MoE layers.
  const int64_t params = synth_parameter_count(synth_tensor_table(*p));
  EXPECT_GT(params, 15'650'000'000);
  EXPECT_LT(params, 15'750'000'000);
}

TEST(SynthPresets, DeepSeekV3TinyHasV3AttentionAndRouting) {
  const SynthPreset* p = find_synth_preset("deepseek-v3-tiny");
  ASSERT_NE(p, nullptr);
  // The V3 column of §4.1 for everything but the sizes.
  EXPECT_EQ(p->q_lora_rank, 1536);
  EXPECT_EQ(p->kv_lora_rank, 512);
  EXPECT_EQ(p->qk_nope_dim, 128);
  EXPECT_EQ(p->qk_rope_dim, 64);
  EXPECT_EQ(p->v_head_dim, 128);
  EXPECT_EQ(p->n_vocab, 129280);
  EXPECT_EQ(p->expert_gating, 2);
  EXPECT_TRUE(p->expert_bias);
  EXPECT_EQ(p->n_expert_group, 8);
  EXPECT_EQ(p->n_expert_group_used, 4);
  EXPECT_EQ(p->n_expert_used, 8);
  EXPECT_EQ(p->n_expert_shared, 1);
  EXPECT_TRUE(p->expert_weights_norm);
  EXPECT_FLOAT_EQ(p->expert_weights_scale, 2.5f);
  EXPECT_FLOAT_EQ(p->yarn_mscale_all_dim, 1.f);
  EXPECT_EQ(p->n_nextn, 1);
  const auto table = synth_tensor_table(*p);
  std::map<std::string, std::vector<int64_t>> shape;
  for (const auto& t : table) shape[t.name] = t.ne;
  const int64_t E = p->n_embd, mtp = p->n_layer;
  const std::string b = "blk." + std::to_string(mtp) + ".";
  EXPECT_EQ(shape[b + "nextn.eh_proj.weight"], (std::vector<int64_t>{2 * E, E}));
  EXPECT_EQ(shape[b + "nextn.enorm.weight"], (std::vector<int64_t>{E}));
  EXPECT_EQ(shape[b + "nextn.hnorm.weight"], (std::vector<int64_t>{E}));
  EXPECT_EQ(shape[b + "nextn.shared_head_norm.weight"], (std::vector<int64_t>{E}));
  EXPECT_EQ(shape[b + "ffn_gate_exps.weight"], (std::vector<int64_t>{E, 256, 32}));
  EXPECT_EQ(shape[b + "exp_probs_b.bias"], (std::vector<int64_t>{32}));
  EXPECT_EQ(shape["blk.1.attn_q_b.weight"], (std::vector<int64_t>{1536, 8 * 192}));
  EXPECT_EQ(synth_tensor_table(*p, 0, false).size() + 22, table.size());  // the MTP layer's 22 tensors
}

// deepseek-v3-tiny with a 2048-row vocabulary (no tokenizer), written F32 with and without
// the MTP layer and directly as Q4_K_M, once for the suite.
class SynthV3Tiny : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    dir_ = work_dir("v3tiny");
    preset_ = *find_synth_preset("deepseek-v3-tiny");
    preset_.n_vocab = 2048;
    auto write = [](const std::string& path, bool mtp, const std::string& mix) {
      SynthOptions o;
      o.seed = 11;
      o.no_tokenizer = true;
      o.with_nextn = mtp;
      o.type = GgmlType::F32;
      o.mix = mix;
      o.threads = 2;
      auto r = synthesize(preset_, path, o);
      if (!r.ok()) error_ += r.error().message + "; ";
    };
    write(dir_ + "/f32-mtp.gguf", true, "");
    write(dir_ + "/f32.gguf", false, "");
    write(dir_ + "/q4km-mtp.gguf", true, "Q4_K_M");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }

  static inline std::string dir_, error_;
  static inline SynthPreset preset_;
};

TEST_F(SynthV3Tiny, TheLoaderReadsBackThePreset) {
  auto f = gguf::GgufFile::open(dir_ + "/f32-mtp.gguf");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->get_uint("deepseek2.block_count"), 4u);  // 3 + the MTP layer (§6.4)
  EXPECT_EQ(*f->get_uint("deepseek2.attention.head_count_kv"), 1u);
  auto c = read_config(*f);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->n_layer, 3);
  EXPECT_EQ(c->n_nextn, 1);
  EXPECT_EQ(c->n_embd, 512);
  EXPECT_EQ(c->n_head, 8);
  EXPECT_EQ(c->q_lora_rank, 1536);
  EXPECT_EQ(c->kv_lora_rank, 512);
  EXPECT_EQ(c->head_dim, 192);
  EXPECT_EQ(c->rope_dim, 64);
  EXPECT_EQ(c->qk_nope_dim, 128);
  EXPECT_EQ(c->v_head_dim, 128);
  EXPECT_EQ(c->n_dense_lead, 1);
  EXPECT_EQ(c->n_expert, 32);
  EXPECT_EQ(c->n_expert_used, 8);
  EXPECT_EQ(c->n_expert_shared, 1);
  EXPECT_EQ(c->n_ff_expert, 256);
  EXPECT_EQ(c->n_expert_group, 8);
  EXPECT_EQ(c->n_expert_group_used, 4);
  EXPECT_EQ(c->expert_gating, ModelConfig::Gating::kSigmoid);
  EXPECT_TRUE(c->expert_weights_norm);
  EXPECT_FLOAT_EQ(c->expert_weights_scale, 2.5f);
  EXPECT_FLOAT_EQ(c->yarn_factor, 40.f);
  EXPECT_EQ(c->yarn_orig_ctx, 4096);
  EXPECT_NEAR(c->yarn_mscale_all_dim, 1.f, 1e-6);
  EXPECT_EQ(kv_values_per_token(*c), 3 * 576);  // the latent row only, main layers only
  auto plain = gguf::GgufFile::open(dir_ + "/f32.gguf");
  ASSERT_TRUE(plain.ok());
  auto c0 = read_config(*plain);
  ASSERT_TRUE(c0.ok());
  EXPECT_EQ(c0->n_layer, 3);
  EXPECT_EQ(c0->n_nextn, 0);
}

TEST_F(SynthV3Tiny, MtpTensorsLoadAndLeaveTheMainForwardUnchanged) {
  std::string err;
  auto with = synth_test::open_model(dir_ + "/f32-mtp.gguf", &err);
  ASSERT_TRUE(with) << err;
  auto without = synth_test::open_model(dir_ + "/f32.gguf", &err);
  ASSERT_TRUE(without) << err;
  const std::vector<int32_t> prompt = {1, 17, 400, 2000, 5, 77, 1024, 3};
  const auto a = run_prompt(*with, prompt, 6);
  const auto b = run_prompt(*without, prompt, 6);
  ASSERT_EQ(a.rows.size(), prompt.size());
  EXPECT_EQ(a.rows, b.rows);  // bit for bit
  EXPECT_EQ(a.greedy, b.greedy);
  ASSERT_EQ(a.greedy.size(), 6u);
  // Greedy output does not depend on the thread count.
  EXPECT_EQ(run_prompt(*with, prompt, 6, 1).greedy, a.greedy);
}

TEST_F(SynthV3Tiny, BadMtpTensorsAreNamed) {
  auto src = gguf::GgufFile::open(dir_ + "/f32-mtp.gguf");
  ASSERT_TRUE(src.ok());
  std::vector<uint8_t> storage;
  auto f = test_gguf::rewritten(*src, "", "blk.3.nextn.eh_proj.weight", storage);
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto m = load_model(std::move(*f));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'blk.3.nextn.eh_proj.weight' has shape [512, 1024], expected [1024, 512]"),
            std::string::npos)
      << m.error().message;
  std::vector<uint8_t> storage2;
  auto g = test_gguf::rewritten(*src, "blk.3.nextn.hnorm.weight", "", storage2);
  ASSERT_TRUE(g.ok());
  auto m2 = load_model(std::move(*g));
  ASSERT_FALSE(m2.ok());
  EXPECT_NE(m2.error().message.find("'blk.3.nextn.hnorm.weight' is missing"), std::string::npos) << m2.error().message;
}

TEST_F(SynthV3Tiny, DirectQ4KMIsTheQuantizedF32File) {
  const std::string quantized = dir_ + "/f32-mtp.q4km.gguf";
  auto q = gguf::quantize_file(dir_ + "/f32-mtp.gguf", quantized, "Q4_K_M", {.threads = 2});
  ASSERT_TRUE(q.ok()) << q.error().message;
  auto a = gguf::GgufFile::open(quantized);
  auto b = gguf::GgufFile::open(dir_ + "/q4km-mtp.gguf");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->tensors().size(), b->tensors().size());
  std::map<std::string, int> types;
  for (size_t i = 0; i < a->tensors().size(); ++i) {
    const auto& ta = a->tensors()[i];
    const auto& tb = b->tensors()[i];
    ASSERT_EQ(ta.name, tb.name);
    EXPECT_EQ(ta.type, tb.type) << ta.name;
    ASSERT_EQ(ta.n_bytes, tb.n_bytes) << ta.name;
    EXPECT_EQ(0, std::memcmp(ta.data, tb.data, ta.n_bytes)) << ta.name;
    types[std::string(traits(tb.type).name)]++;
  }
  EXPECT_EQ(*b->get_uint("general.file_type"), 15u);  // LLAMA_FTYPE_MOSTLY_Q4_K_M
  // The mixture on MLA shapes: attn_k_b rows are 128 wide, so Q4_K falls back to Q5_0; output
  // and the more-bits ffn_down layers are Q6_K; norms, router and exp_probs_b stay F32.
  EXPECT_GT(types["Q4_K"], 0);
  EXPECT_GT(types["Q6_K"], 0);
  EXPECT_EQ(types["Q5_0"], 4);
  EXPECT_EQ(b->find_tensor("blk.0.attn_k_b.weight")->type, GgmlType::Q5_0);
  EXPECT_EQ(b->find_tensor("blk.1.ffn_gate_inp.weight")->type, GgmlType::F32);
  EXPECT_EQ(b->find_tensor("output.weight")->type, GgmlType::Q6_K);
  std::string err;
  EXPECT_TRUE(synth_test::open_model(dir_ + "/q4km-mtp.gguf", &err)) << err;
}

TEST(SynthDeepSeek, V2LiteShapedModelLoadsAndGenerates) {
  // V2-Lite's structure (no q-LoRA, softmax router over one group, 2 shared experts, YaRN
  // mscale 0.707) at widths a unit test can write.
  SynthPreset p = *find_synth_preset("deepseek-v2-lite");
  p.n_vocab = 2048;
  p.n_embd = 256;
  p.n_ff = 512;
  p.n_ff_expert = 256;
  const std::string path = work_dir("v2lite") + "/v2lite-small.gguf";
  SynthOptions o;
  o.n_layer = 3;
  o.no_tokenizer = true;
  o.mix = "Q4_K_M";
  auto r = synthesize(p, path, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string err;
  auto m = synth_test::open_model(path, &err);
  ASSERT_TRUE(m) << err;
  const ModelConfig& c = m->config();
  EXPECT_EQ(c.q_lora_rank, 0);
  EXPECT_EQ(c.n_layer, 3);
  EXPECT_EQ(c.n_nextn, 0);
  EXPECT_EQ(c.expert_gating, ModelConfig::Gating::kSoftmax);
  EXPECT_EQ(c.n_expert_group, 1);
  EXPECT_NEAR(c.yarn_mscale_all_dim, 0.707f, 1e-6);
  const auto out = run_prompt(*m, {1, 2, 3, 400, 1500}, 4);
  ASSERT_EQ(out.greedy.size(), 4u);
  EXPECT_EQ(run_prompt(*m, {1, 2, 3, 400, 1500}, 4, 1).greedy, out.greedy);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(SynthDeepSeek, UnknownQuantTypeIsAnError) {
  SynthOptions o;
  o.mix = "Q4_K_X";
  auto r = synthesize(*find_synth_preset("deepseek-v3-tiny"), work_dir("badmix") + "/x.gguf", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'Q4_K_X'"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace onboard::model
