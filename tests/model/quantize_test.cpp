// `onboard quantize`: the per-tensor type mixture (against the type counts of a real
// R1-Distill-Qwen-7B Q4_K_M download), every TYPE on a small synthesized Qwen2 model (the
// output parses, loads, has the expected types, and its logits stay within a stated distance
// of the F32 model), and the errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "format/gguf.h"
#include "format/quantize_file.h"
#include "model/synthesize.h"
#include "synth_test_util.h"
#include "tensor/quant_mixture.h"

namespace onboard {
namespace {

using synth_test::distance;
using synth_test::Logits;
using synth_test::run_prompt;
using synth_test::work_dir;

std::map<std::string, int> count_types(const model::SynthPreset& p, std::string_view mix_name) {
  const QuantMix mix = *find_quant_mix(mix_name);
  MixModel mm;
  mm.n_layer = p.n_layer;
  mm.n_gqa = p.n_head / p.n_head_kv;
  std::map<std::string, int> n;
  for (const auto& t : model::synth_tensor_table(p)) {
    GgmlType type = GgmlType::F32;
    if (is_quantizable(t.name, static_cast<int>(t.ne.size()))) type = choose_tensor_type(mix, t.name, t.ne[0], mm).type;
    n[std::string(traits(type).name)]++;
  }
  return n;
}

TEST(QuantMixture, MatchesARealQ4KMDownload) {
  // Reference §6.5, LOG-Q7B: R1-Distill-Qwen-7B Q4_K_M has f32 141, q4_K 169, q6_K 29.
  const auto n = count_types(*model::find_synth_preset("r1-distill-qwen-7b"), "Q4_K_M");
  EXPECT_EQ(n, (std::map<std::string, int>{{"F32", 141}, {"Q4_K", 169}, {"Q6_K", 29}}));
}

TEST(QuantMixture, RulesPerType) {
  MixModel m{28, 6, true};  // R1-Distill-Qwen-1.5B: 28 layers, 12/2 heads
  auto type = [&](const char* mix, const char* name, int64_t ne0 = 1536) {
    return std::string(traits(choose_tensor_type(*find_quant_mix(mix), name, ne0, m).type).name);
  };
  // use_more_bits for 28 layers: 0-2, 24-27, and 5, 8, ..., 23.
  std::vector<int> more;
  for (int i = 0; i < 28; ++i)
    if (use_more_bits(i, 28)) more.push_back(i);
  EXPECT_EQ(more, (std::vector<int>{0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27}));
  EXPECT_EQ(type("Q4_K_M", "output.weight"), "Q6_K");
  EXPECT_EQ(type("Q4_K_M", "token_embd.weight"), "Q4_K");
  EXPECT_EQ(type("Q4_K_M", "blk.0.attn_v.weight"), "Q6_K");
  EXPECT_EQ(type("Q4_K_M", "blk.3.attn_v.weight"), "Q4_K");
  EXPECT_EQ(type("Q4_K_M", "blk.5.ffn_down.weight", 8960), "Q6_K");
  EXPECT_EQ(type("Q4_K_M", "blk.6.ffn_down.weight", 8960), "Q4_K");
  EXPECT_EQ(type("Q4_K_M", "blk.6.attn_q.weight"), "Q4_K");
  EXPECT_EQ(type("Q5_K_M", "blk.27.attn_v.weight"), "Q6_K");
  EXPECT_EQ(type("Q5_K_M", "blk.4.attn_v.weight"), "Q5_K");
  EXPECT_EQ(type("Q5_K_S", "blk.0.attn_v.weight"), "Q5_K");
  EXPECT_EQ(type("Q4_K_S", "blk.3.attn_v.weight"), "Q5_K");
  EXPECT_EQ(type("Q4_K_S", "blk.4.attn_v.weight"), "Q4_K");
  EXPECT_EQ(type("Q4_K_S", "blk.2.ffn_down.weight"), "Q5_K");  // i < 28/8
  EXPECT_EQ(type("Q4_K_S", "blk.3.ffn_down.weight"), "Q4_K");
  EXPECT_EQ(type("Q3_K_M", "blk.1.attn_v.weight"), "Q5_K");
  EXPECT_EQ(type("Q3_K_M", "blk.2.attn_v.weight"), "Q4_K");
  EXPECT_EQ(type("Q3_K_M", "blk.0.ffn_down.weight"), "Q5_K");  // i < 28/16
  EXPECT_EQ(type("Q3_K_M", "blk.9.ffn_down.weight"), "Q4_K");
  EXPECT_EQ(type("Q3_K_M", "blk.9.attn_output.weight"), "Q4_K");
  EXPECT_EQ(type("Q3_K_M", "blk.9.ffn_up.weight"), "Q3_K");
  EXPECT_EQ(type("Q2_K", "blk.9.attn_v.weight"), "Q4_K");  // n_gqa 6 >= 4
  EXPECT_EQ(type("Q2_K", "blk.9.ffn_down.weight"), "Q3_K");
  EXPECT_EQ(type("Q2_K", "blk.9.attn_output.weight"), "Q3_K");
  EXPECT_EQ(type("Q2_K", "blk.9.ffn_gate.weight"), "Q2_K");
  EXPECT_EQ(type("Q2_K", "output.weight"), "Q6_K");
  EXPECT_EQ(type("Q6_K", "output.weight"), "Q6_K");
  EXPECT_EQ(type("Q4_0", "output.weight"), "Q6_K");
  EXPECT_EQ(type("Q4_0", "blk.0.attn_v.weight"), "Q4_0");
  EXPECT_EQ(type("Q8_0", "output.weight"), "Q8_0");
  EXPECT_EQ(type("F16", "output.weight"), "F16");
  EXPECT_EQ(type("BF16", "blk.0.attn_v.weight"), "BF16");
  // Fallbacks for rows that do not split into 256-blocks.
  EXPECT_EQ(type("Q4_K_M", "blk.9.attn_q.weight", 320), "Q5_0");
  EXPECT_EQ(type("Q4_K_M", "blk.0.attn_v.weight", 320), "Q8_0");
  EXPECT_EQ(type("Q5_K_S", "blk.9.attn_q.weight", 320), "Q5_1");
  EXPECT_EQ(type("Q2_K", "blk.9.ffn_gate.weight", 320), "IQ4_NL");
  EXPECT_EQ(type("Q4_K_M", "output.weight", 320), "Q8_0");
  EXPECT_EQ(type("Q4_K_M", "blk.9.attn_q.weight", 48), "F16");
  // Tied head: the embedding gets the output's type.
  MixModel tied{28, 6, false};
  EXPECT_EQ(choose_tensor_type(*find_quant_mix("Q4_K_M"), "token_embd.weight", 1536, tied).type, GgmlType::Q6_K);
  // What is not converted at all.
  EXPECT_FALSE(is_quantizable("blk.0.attn_norm.weight", 1));
  EXPECT_FALSE(is_quantizable("blk.0.attn_q.bias", 1));
  EXPECT_FALSE(is_quantizable("rope_freqs.weight", 1));
  EXPECT_FALSE(is_quantizable("blk.0.ffn_gate_inp.weight", 2));
  EXPECT_FALSE(is_quantizable("blk.0.attn_kv_a_norm.weight", 2));
  EXPECT_TRUE(is_quantizable("blk.0.ffn_down_exps.weight", 3));
  EXPECT_TRUE(find_quant_mix("q4_k_m").has_value());
  EXPECT_FALSE(find_quant_mix("Q4_K_L").has_value());
}

// One small F32 model (no tokenizer, 4096-row vocabulary, so twelve conversions take seconds)
// and its reference logits for the whole suite.
class QuantizeFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = work_dir("quantize");
    src_ = dir_ + "/small-f32.gguf";
    model::SynthOptions o;
    o.type = GgmlType::F32;
    o.seed = 3;
    o.no_tokenizer = true;
    auto r = model::synthesize(synth_test::small_qwen2(4096), src_, o);
    if (!r.ok()) {
      error_ = r.error().message;
      return;
    }
    auto m = synth_test::open_model(src_, &error_);
    if (m) ref_ = run_prompt(*m, prompt_, 0);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }

  static inline std::string dir_, src_, error_;
  static inline const std::vector<int32_t> prompt_ = {1, 17, 300, 2048, 4000, 5, 99, 1234, 3000, 42, 7, 2500, 64, 640, 3333, 8};
  static inline Logits ref_;
};

struct Bound {
  const char* type;
  double max_rel_rms;  // ||logits - logits_F32|| / ||logits_F32|| over all 16 prompt positions
  double min_top1;     // fraction of positions whose argmax matches F32
};

// Stated bounds: about 1.5x the relative RMS error measured on this model (seed 3, 8 layers of
// random weights, which amplify errors more than trained ones), so a broken quantizer, mixture
// or kernel fails while ISA-dependent rounding does not. Top-1 agreement is a weak signal on
// random weights (their logits are nearly flat, so near-ties are common): its bounds are loose.
// Measured (x86-64 AVX2, 2 threads): F16 0.0005, BF16 0.0044, Q8_0 0.019, Q6_K 0.048,
// Q5_K_M 0.092, Q5_K_S 0.094, Q4_K_M 0.163, Q4_K_S 0.158, Q4_0 0.205, Q3_K_M 0.264, Q2_K 0.518.
const Bound kBounds[] = {
    {"F32", 1e-6, 1.0},    {"F16", 0.003, 1.0},   {"BF16", 0.015, 0.9},  {"Q8_0", 0.03, 0.8},
    {"Q6_K", 0.07, 0.7},   {"Q5_K_M", 0.13, 0.45}, {"Q5_K_S", 0.14, 0.45}, {"Q4_K_M", 0.23, 0.4},
    {"Q4_K_S", 0.24, 0.3}, {"Q4_0", 0.3, 0.3},     {"Q3_K_M", 0.4, 0.2},   {"Q2_K", 0.75, 0.0},
};

TEST_F(QuantizeFile, EveryTypeLoadsAndStaysCloseToF32) {
  ASSERT_EQ(std::size(kBounds), quant_mixes().size());
  std::map<std::string, double> err;
  std::map<std::string, uint64_t> size;
  for (const Bound& b : kBounds) {
    SCOPED_TRACE(b.type);
    const std::string out = dir_ + "/small-" + b.type + ".gguf";
    auto s = gguf::quantize_file(src_, out, b.type, {.threads = 2});
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto f = gguf::GgufFile::open(out);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(*f->get_uint("general.file_type"), find_quant_mix(b.type)->file_type);
    EXPECT_EQ(*f->get_uint("general.quantization_version"), 2u);
    EXPECT_EQ(f->tensors().size(), 8u * 12 + 3);
    EXPECT_EQ(f->metadata().size(), gguf::GgufFile::open(src_)->metadata().size());  // every key copied
    for (const auto& t : f->tensors()) {
      if (t.n_dims == 1) {
        EXPECT_EQ(t.type, GgmlType::F32) << t.name;
      }
    }
    std::string error;
    auto m = synth_test::open_model(out, &error);
    ASSERT_TRUE(m) << error;
    const Logits q = run_prompt(*m, prompt_, 0);
    const auto d = distance(q, ref_);
    std::printf("  %-7s %7.1f KiB  rel. RMS logit error vs F32 %.4f (bound %.4f), top-1 agreement %.2f (bound %.2f)\n",
                b.type, s->file_bytes_out / 1024.0, d.rel_rms, b.max_rel_rms, d.top1_agree, b.min_top1);
    EXPECT_LE(d.rel_rms, b.max_rel_rms);
    EXPECT_GE(d.top1_agree, b.min_top1);
    err[b.type] = d.rel_rms;
    size[b.type] = s->file_bytes_out;
    std::filesystem::remove(out);
  }
  // Fewer bits, more error and a smaller file, along the main ladder.
  const char* ladder[] = {"F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K"};
  for (size_t i = 1; i < std::size(ladder); ++i) {
    EXPECT_LT(err[ladder[i - 1]], err[ladder[i]]) << ladder[i - 1] << " vs " << ladder[i];
    EXPECT_GT(size[ladder[i - 1]], size[ladder[i]]) << ladder[i - 1] << " vs " << ladder[i];
  }
}

TEST_F(QuantizeFile, Q4KMHasTheExpectedTypesAndMatchesItsDequantizedF32) {
  const std::string q = dir_ + "/q4km.gguf", deq = dir_ + "/q4km-f32.gguf";
  auto s = gguf::quantize_file(src_, q, "Q4_K_M", {.threads = 2});
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto f = gguf::GgufFile::open(q);
  ASSERT_TRUE(f.ok());
  auto type_of = [&](const std::string& n) {
    const gguf::TensorInfo* t = f->find_tensor(n);
    return t ? std::string(traits(t->type).name) : std::string("<missing>");
  };
  EXPECT_EQ(type_of("output.weight"), "Q6_K");
  EXPECT_EQ(type_of("token_embd.weight"), "Q4_K");
  EXPECT_EQ(type_of("output_norm.weight"), "F32");
  for (int i = 0; i < 8; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    const bool more = i == 0 || i == 3 || i == 6 || i == 7;  // use_more_bits(i, 8)
    EXPECT_EQ(type_of(b + "attn_v.weight"), more ? "Q6_K" : "Q4_K") << i;
    // ffn_down rows are 320 long: Q6_K falls back to Q8_0, Q4_K to Q5_0.
    EXPECT_EQ(type_of(b + "ffn_down.weight"), more ? "Q8_0" : "Q5_0") << i;
    EXPECT_EQ(type_of(b + "attn_q.weight"), "Q4_K") << i;
    EXPECT_EQ(type_of(b + "attn_k.weight"), "Q4_K") << i;
    EXPECT_EQ(type_of(b + "attn_output.weight"), "Q4_K") << i;
    EXPECT_EQ(type_of(b + "ffn_up.weight"), "Q4_K") << i;
    EXPECT_EQ(type_of(b + "ffn_gate.weight"), "Q4_K") << i;
    EXPECT_EQ(type_of(b + "attn_norm.weight"), "F32") << i;
    EXPECT_EQ(type_of(b + "ffn_norm.weight"), "F32") << i;
    EXPECT_EQ(type_of(b + "attn_q.bias"), "F32") << i;
  }
  EXPECT_EQ(s->n_fallback, 8);
  EXPECT_EQ(s->out_types, (std::map<std::string, int>{{"F32", 8 * 5 + 1}, {"Q4_K", 1 + 8 * 6 - 4}, {"Q5_0", 4},
                                                        {"Q6_K", 1 + 4}, {"Q8_0", 4}}));

  // F32 made from the quantized file: the same weights, run without activation quantization.
  auto s2 = gguf::quantize_file(q, deq, "F32", {.threads = 2});
  ASSERT_TRUE(s2.ok()) << s2.error().message;
  std::string error;
  auto mq = synth_test::open_model(q, &error);
  auto md = synth_test::open_model(deq, &error);
  ASSERT_TRUE(mq && md) << error;
  const auto d = distance(run_prompt(*mq, prompt_, 0), run_prompt(*md, prompt_, 0));
  std::printf("  Q4_K_M vs its dequantized F32: rel. RMS %.5f (bound 0.03), top-1 agreement %.2f (bound 0.85)\n",
              d.rel_rms, d.top1_agree);
  EXPECT_LE(d.rel_rms, 0.03);
  EXPECT_GE(d.top1_agree, 0.85);
}

TEST(QuantizeWithTokenizer, OutputLoadsWithItsTokenizer) {
  // A small model with the real tokenizer (151936 rows), converted to Q8_0 (fast): the
  // tokenizer keys survive and runtime::load takes the file.
  const std::string dir = work_dir("quantize-tok");
  const std::string src = dir + "/small-f16.gguf", out = dir + "/small-q8_0.gguf";
  model::SynthOptions o;
  o.n_layer = 1;
  o.tokenizer = synth_test::tokenizer_hint();
  auto r = model::synthesize(synth_test::small_qwen2(), src, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto s = gguf::quantize_file(src, out, "Q8_0", {.threads = 2});
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto a = runtime::load(src);
  auto b = runtime::load(out);
  ASSERT_TRUE(a.ok() && b.ok());
  const char* text = "<\uff5cUser\uff5c>Navigate home, avoid tolls.<\uff5cAssistant\uff5c>";
  EXPECT_EQ((*a)->tokenizer.encode(text, {.add_bos = true}), (*b)->tokenizer.encode(text, {.add_bos = true}));
  EXPECT_EQ((*a)->chat_template, (*b)->chat_template);
  EXPECT_FALSE((*b)->chat_template.empty());
  const auto gen = run_prompt(*(*b)->model, (*b)->tokenizer.encode(text, {.add_bos = true}), 4);
  EXPECT_EQ(gen.greedy.size(), 4u);
  std::filesystem::remove_all(dir);
}

TEST_F(QuantizeFile, Errors) {
  auto bad = gguf::quantize_file(src_, dir_ + "/x.gguf", "Q4_K_L");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown quantization type 'Q4_K_L'"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("Q4_K_M"), std::string::npos);  // lists the valid ones

  auto missing = gguf::quantize_file(dir_ + "/nope.gguf", dir_ + "/x.gguf", "Q8_0");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.gguf"), std::string::npos) << missing.error().message;

  const std::string corrupt = dir_ + "/corrupt.gguf";
  {
    std::ofstream o(corrupt, std::ios::binary);
    o << "GGUF\x03\x00\x00\x00 this is not a model";
  }
  auto c = gguf::quantize_file(corrupt, dir_ + "/x.gguf", "Q8_0");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("corrupt.gguf"), std::string::npos) << c.error().message;

  auto same = gguf::quantize_file(src_, src_, "Q8_0");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.error().message.find("is the input"), std::string::npos) << same.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.gguf"));

  // The CLI: one line naming the problem, non-zero exit.
  auto one_line = [](const std::string& s) { return s.find('\n') == s.size() - 1; };
  auto r = synth_test::run_cli("quantize '" + src_ + "' '" + dir_ + "/x.gguf' Q9_9");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("unknown quantization type 'Q9_9' (valid: Q8_0, Q4_0, Q4_K_M"), std::string::npos) << r.output;
  EXPECT_TRUE(one_line(r.output)) << r.output;
  r = synth_test::run_cli("quantize '" + dir_ + "/nope.gguf' '" + dir_ + "/x.gguf' Q8_0");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("nope.gguf"), std::string::npos) << r.output;
  EXPECT_TRUE(one_line(r.output)) << r.output;
  r = synth_test::run_cli("quantize '" + corrupt + "' '" + dir_ + "/x.gguf' Q8_0");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("corrupt.gguf"), std::string::npos) << r.output;
  EXPECT_TRUE(one_line(r.output)) << r.output;
  r = synth_test::run_cli("quantize '" + src_ + "' '" + src_ + "' Q8_0");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("is the input"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.gguf"));
}

}  // namespace
}  // namespace onboard
