// `onboard synth`: the presets against reference §2.2/§3, a 2-block R1-Distill-Qwen-1.5B file
// (every tensor's name and shape, the metadata, loading and generating), determinism, the
// tokenizer round trip and the errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "format/gguf.h"
#include "model/synthesize.h"
#include "synth_test_util.h"
#include "tensor/dequantize.h"
#include "text/gguf_vocab.h"
#include "text/hf_tokenizer_json.h"
#include "text/tokenizer.h"

namespace onboard::model {
namespace {

using synth_test::tokenizer_hint;
using synth_test::work_dir;

TEST(SynthPresets, MatchReferenceTables) {
  struct Row {
    const char* name;
    const char* arch;
    int64_t vocab, embd, layers, heads, kv, ff;
    float eps, theta;
    bool bias;
  };
  // Reference §2.2 (Qwen) and §3 (Llama).
  const Row rows[] = {
      {"r1-distill-qwen-1.5b", "qwen2", 151936, 1536, 28, 12, 2, 8960, 1e-6f, 10000.f, true},
      {"r1-distill-qwen-7b", "qwen2", 152064, 3584, 28, 28, 4, 18944, 1e-6f, 10000.f, true},
      {"r1-distill-qwen-14b", "qwen2", 152064, 5120, 48, 40, 8, 13824, 1e-5f, 1e6f, true},
      {"r1-distill-qwen-32b", "qwen2", 152064, 5120, 64, 40, 8, 27648, 1e-5f, 1e6f, true},
      {"r1-distill-llama-8b", "llama", 128256, 4096, 32, 32, 8, 14336, 1e-5f, 500000.f, false},
  };
  EXPECT_EQ(synth_presets().size(), std::size(rows) + 2);  // + the deepseek2 presets (deepseek2_synth_test.cpp)
  for (const Row& r : rows) {
    const SynthPreset* p = find_synth_preset(r.name);
    ASSERT_NE(p, nullptr) << r.name;
    EXPECT_EQ(p->arch, r.arch) << r.name;
    EXPECT_EQ(p->n_vocab, r.vocab) << r.name;
    EXPECT_EQ(p->n_embd, r.embd) << r.name;
    EXPECT_EQ(p->n_layer, r.layers) << r.name;
    EXPECT_EQ(p->n_head, r.heads) << r.name;
    EXPECT_EQ(p->n_head_kv, r.kv) << r.name;
    EXPECT_EQ(p->head_dim, 128) << r.name;
    EXPECT_EQ(p->n_ff, r.ff) << r.name;
    EXPECT_EQ(p->n_ctx, 131072) << r.name;
    EXPECT_FLOAT_EQ(p->rms_eps, r.eps) << r.name;
    EXPECT_FLOAT_EQ(p->rope_theta, r.theta) << r.name;
    EXPECT_EQ(p->qkv_bias, r.bias) << r.name;
    EXPECT_FALSE(p->tied_output) << r.name;
  }
  EXPECT_EQ(find_synth_preset("r1-distill-qwen-3b"), nullptr);
  // llama3 RoPE divisors: the highest frequencies are kept, the lowest divided by 8.
  const auto ff = llama3_rope_freqs(*find_synth_preset("r1-distill-llama-8b"));
  ASSERT_EQ(ff.size(), 64u);
  EXPECT_FLOAT_EQ(ff.front(), 1.f);
  EXPECT_FLOAT_EQ(ff.back(), 8.f);
  for (size_t i = 1; i < ff.size(); ++i) EXPECT_GE(ff[i], ff[i - 1]);
}

// One 2-block R1-Distill-Qwen-1.5B file for the whole suite (F16, ~1 GiB, a few seconds).
class Synth15B : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    path_ = work_dir("synth") + "/r1-qwen-1.5b-l2.gguf";
    SynthOptions o;
    o.n_layer = 2;
    o.seed = 7;
    o.tokenizer = tokenizer_hint();
    auto r = synthesize(*find_synth_preset("r1-distill-qwen-1.5b"), path_, o);
    ok_ = r.ok();
    if (ok_) result_ = *r;
    else error_ = r.error().message;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(std::filesystem::path(path_).parent_path()); }
  void SetUp() override { ASSERT_TRUE(ok_) << error_; }

  static inline std::string path_, error_;
  static inline bool ok_ = false;
  static inline SynthResult result_;
};

void EveryTensorHasTheRealShape() {
  auto f = gguf::GgufFile::open(Synth15B::path_);
  ASSERT_TRUE(f.ok()) << f.error().message;
  // Written out from reference §2.2/§2.3 for hidden 1536, 12 query / 2 KV heads of 128, ffn 8960,
  // vocabulary 151936, untied head, q/k/v biases; two blocks.
  std::map<std::string, std::pair<std::vector<int64_t>, GgmlType>> want = {
      {"token_embd.weight", {{1536, 151936}, GgmlType::F16}},
      {"output.weight", {{1536, 151936}, GgmlType::F16}},
      {"output_norm.weight", {{1536}, GgmlType::F32}},
  };
  for (int i = 0; i < 2; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    want[b + "attn_norm.weight"] = {{1536}, GgmlType::F32};
    want[b + "ffn_norm.weight"] = {{1536}, GgmlType::F32};
    want[b + "attn_q.weight"] = {{1536, 1536}, GgmlType::F16};
    want[b + "attn_q.bias"] = {{1536}, GgmlType::F32};
    want[b + "attn_k.weight"] = {{1536, 256}, GgmlType::F16};
    want[b + "attn_k.bias"] = {{256}, GgmlType::F32};
    want[b + "attn_v.weight"] = {{1536, 256}, GgmlType::F16};
    want[b + "attn_v.bias"] = {{256}, GgmlType::F32};
    want[b + "attn_output.weight"] = {{1536, 1536}, GgmlType::F16};
    want[b + "ffn_gate.weight"] = {{1536, 8960}, GgmlType::F16};
    want[b + "ffn_up.weight"] = {{1536, 8960}, GgmlType::F16};
    want[b + "ffn_down.weight"] = {{8960, 1536}, GgmlType::F16};
  }
  ASSERT_EQ(f->tensors().size(), want.size());
  for (const auto& t : f->tensors()) {
    auto it = want.find(std::string(t.name));
    ASSERT_NE(it, want.end()) << "unexpected tensor " << t.name;
    ASSERT_EQ(t.n_dims, it->second.first.size()) << t.name;
    for (size_t d = 0; d < it->second.first.size(); ++d) EXPECT_EQ(t.ne[d], it->second.first[d]) << t.name << " dim " << d;
    EXPECT_EQ(t.type, it->second.second) << t.name;
  }
  // And the library's own table agrees with this list.
  const auto table = synth_tensor_table(*find_synth_preset("r1-distill-qwen-1.5b"), 2);
  ASSERT_EQ(table.size(), want.size());
  for (const auto& t : table) EXPECT_EQ(t.ne, want.at(t.name).first) << t.name;
  EXPECT_EQ(synth_tensor_table(*find_synth_preset("r1-distill-qwen-1.5b")).size(), 28u * 12 + 3);
}

void MetadataAsTheConverterWritesIt() {
  auto f = gguf::GgufFile::open(Synth15B::path_);
  ASSERT_TRUE(f.ok());
  auto u = [&](const char* k) { auto v = f->get_uint(k); return v.ok() ? static_cast<int64_t>(*v) : -1; };
  auto fl = [&](const char* k) { auto v = f->get_float(k); return v.ok() ? *v : -1.0; };
  auto s = [&](const char* k) { auto v = f->get_string(k); return v.ok() ? std::string(*v) : std::string("<missing>"); };
  EXPECT_EQ(s("general.architecture"), "qwen2");
  EXPECT_EQ(s("general.name"), "DeepSeek R1 Distill Qwen 1.5B");
  EXPECT_EQ(u("general.file_type"), 1);
  EXPECT_EQ(u("general.quantization_version"), 2);
  EXPECT_FLOAT_EQ(fl("general.sampling.temp"), 0.6f);
  EXPECT_FLOAT_EQ(fl("general.sampling.top_p"), 0.95f);
  EXPECT_EQ(u("qwen2.block_count"), 2);
  EXPECT_EQ(u("qwen2.context_length"), 131072);
  EXPECT_EQ(u("qwen2.embedding_length"), 1536);
  EXPECT_EQ(u("qwen2.feed_forward_length"), 8960);
  EXPECT_EQ(u("qwen2.attention.head_count"), 12);
  EXPECT_EQ(u("qwen2.attention.head_count_kv"), 2);
  EXPECT_FLOAT_EQ(fl("qwen2.rope.freq_base"), 10000.f);
  EXPECT_FLOAT_EQ(fl("qwen2.attention.layer_norm_rms_epsilon"), 1e-6f);
  EXPECT_EQ(f->find("qwen2.rope.dimension_count"), nullptr);  // absent for qwen2 (§6.4)
  EXPECT_EQ(f->find("qwen2.vocab_size"), nullptr);
  EXPECT_EQ(s("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(u("tokenizer.ggml.bos_token_id"), 151646);
  EXPECT_EQ(u("tokenizer.ggml.eos_token_id"), 151643);
  EXPECT_EQ(u("tokenizer.ggml.padding_token_id"), 151643);
  auto tokens = f->get_array("tokenizer.ggml.tokens", gguf::ValueType::STRING);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ((*tokens)->count, 151936u);  // padded to the embedding rows
  EXPECT_EQ((*tokens)->strings[151935], "[PAD151935]");
  auto types = f->get_array("tokenizer.ggml.token_type", gguf::ValueType::INT32);
  ASSERT_TRUE(types.ok());
  EXPECT_EQ((*types)->int_at(151935), 5);  // UNUSED
  EXPECT_EQ((*types)->int_at(0), 1);       // NORMAL
  EXPECT_EQ((*types)->int_at(151646), 3);  // BOS is CONTROL
  EXPECT_NE(s("tokenizer.chat_template").find("<\uff5cAssistant\uff5c>"), std::string::npos);
}

void WeightScalesLikeATrainedModel() {
  auto f = gguf::GgufFile::open(Synth15B::path_);
  ASSERT_TRUE(f.ok());
  auto stats = [&](const char* name) {
    const gguf::TensorInfo* t = f->find_tensor(name);
    std::vector<float> v(static_cast<size_t>(t->n_elements()));
    dequantize_row(t->type, t->data, v.data(), t->n_elements());
    double m = 0, q = 0;
    for (float x : v) m += x;
    m /= v.size();
    for (float x : v) q += (x - m) * (x - m);
    return std::make_pair(m, std::sqrt(q / v.size()));
  };
  const auto [qm, qs] = stats("blk.0.attn_q.weight");
  EXPECT_NEAR(qm, 0, 1e-3);
  EXPECT_NEAR(qs, 0.8 / std::sqrt(1536.0), 0.02 * 0.8 / std::sqrt(1536.0));
  const auto [dm, ds] = stats("blk.1.ffn_down.weight");
  EXPECT_NEAR(ds, 0.8 / std::sqrt(8960.0), 0.02 * 0.8 / std::sqrt(8960.0));
  (void)dm;
  const auto [nm, ns] = stats("blk.0.attn_norm.weight");
  EXPECT_NEAR(nm, 1.0, 0.01);
  EXPECT_NEAR(ns, 0.05, 0.01);
  const auto [bm, bs] = stats("blk.0.attn_k.bias");
  EXPECT_LT(std::fabs(bm), 0.01);
  EXPECT_LT(bs, 0.05);
}

void LoadsAndGenerates() {
  auto lm = runtime::load(Synth15B::path_);
  ASSERT_TRUE(lm.ok()) << lm.error().message;
  const ModelConfig& c = (*lm)->model->config();
  EXPECT_EQ(c.arch, "qwen2");
  EXPECT_EQ(c.n_embd, 1536);
  EXPECT_EQ(c.n_head, 12);
  EXPECT_EQ(c.n_head_kv, 2);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.n_ff, 8960);
  EXPECT_EQ(c.n_vocab, 151936);
  EXPECT_EQ(c.n_layer, 2);
  EXPECT_EQ(c.n_ctx_train, 131072);
  EXPECT_FLOAT_EQ(c.rope_theta, 10000.f);
  EXPECT_FLOAT_EQ(c.rms_eps, 1e-6f);
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.tied_output);
  EXPECT_FLOAT_EQ(c.sampling_temp, 0.6f);
  EXPECT_FLOAT_EQ(c.sampling_top_p, 0.95f);

  const auto prompt = (*lm)->tokenizer.encode("The car is low on fuel.", {.add_bos = true});
  ASSERT_GT(prompt.size(), 3u);
  const auto out = synth_test::run_prompt(*(*lm)->model, prompt, 6);
  ASSERT_EQ(out.rows.size(), prompt.size());
  ASSERT_EQ(out.greedy.size(), 6u);
  for (int32_t t : out.greedy) {
    EXPECT_GE(t, 0);
    EXPECT_LT(t, 151936);
  }
  // Logits in a sane range: finite, spread neither collapsed nor exploding.
  for (const auto& row : out.rows) {
    double m = 0, q = 0;
    for (float x : row) {
      ASSERT_TRUE(std::isfinite(x));
      m += x;
    }
    m /= row.size();
    for (float x : row) q += (x - m) * (x - m);
    const double sd = std::sqrt(q / row.size());
    EXPECT_GT(sd, 0.1);
    EXPECT_LT(sd, 20.0);
  }
}

void TokenizerRoundTrip() {
  auto f = gguf::GgufFile::open(Synth15B::path_);
  ASSERT_TRUE(f.ok());
  auto from_gguf = text::vocab_from_gguf(*f);
  ASSERT_TRUE(from_gguf.ok()) << from_gguf.error().message;
  EXPECT_EQ(from_gguf->pre, "deepseek-r1-qwen");
  auto from_hf = text::load_hf_tokenizer(Synth15B::result_.tokenizer_path);
  ASSERT_TRUE(from_hf.ok());
  auto a = text::Tokenizer::create(std::move(*from_gguf));
  auto b = text::Tokenizer::create(std::move(*from_hf));
  ASSERT_TRUE(a.ok() && b.ok());
  const char* texts[] = {
      "Hello world",
      "  leading spaces and\ttabs\n\nnew lines 12345 67",
      "Set the cabin to 21.5 degrees, please!",
      "<\uff5cbegin\u2581of\u2581sentence\uff5c><\uff5cUser\uff5c>Open the window<\uff5cAssistant\uff5c><think>\nok</think>",
      "Fahrzeug \u00fcberhitzt \u2014 \u8f66\u8f86\u8fc7\u70ed \U0001F697 caf\u00e9 na\u0131ve",
      "I'm sure they'll do it; don't worry. IT'S FINE",
  };
  for (const char* t : texts) {
    EXPECT_EQ(a->encode(t), b->encode(t)) << t;
    EXPECT_EQ(a->encode(t, {.add_bos = true}), b->encode(t, {.add_bos = true})) << t;
  }
  EXPECT_EQ(a->n_vocab(), 151936);
  EXPECT_EQ(a->bos_id(), b->bos_id());
  EXPECT_EQ(a->eos_id(), b->eos_id());
  EXPECT_EQ(a->add_bos(), b->add_bos());
}

// One test over the one file: ctest runs every test in its own process, and the file takes
// seconds to write.
TEST_F(Synth15B, TwoBlockFile) {
  {
    SCOPED_TRACE("EveryTensorHasTheRealShape");
    EveryTensorHasTheRealShape();
  }
  {
    SCOPED_TRACE("MetadataAsTheConverterWritesIt");
    MetadataAsTheConverterWritesIt();
  }
  {
    SCOPED_TRACE("WeightScalesLikeATrainedModel");
    WeightScalesLikeATrainedModel();
  }
  {
    SCOPED_TRACE("LoadsAndGenerates");
    LoadsAndGenerates();
  }
  {
    SCOPED_TRACE("TokenizerRoundTrip");
    TokenizerRoundTrip();
  }
}

TEST(Synth, SameSeedSameBytesWhateverTheThreads) {
  const std::string d = work_dir("determinism");
  const SynthPreset p = synth_test::small_qwen2(4096);
  auto write = [&](uint64_t seed, int threads, const std::string& path) {
    SynthOptions o;
    o.seed = seed;
    o.threads = threads;
    o.n_layer = 2;
    o.no_tokenizer = true;
    auto r = synthesize(p, path, o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(path);
    return bytes;
  };
  const std::string a = write(42, 1, d + "/a.gguf");
  const std::string b = write(42, 3, d + "/b.gguf");
  const std::string c = write(43, 2, d + "/c.gguf");
  ASSERT_GT(a.size(), 1000000u);
  EXPECT_TRUE(a == b) << "same seed, different thread count: files differ";
  ASSERT_EQ(a.size(), c.size());
  EXPECT_FALSE(a == c) << "different seeds gave the same file";
  std::filesystem::remove_all(d);
}

TEST(Synth, LlamaUsesTheDeepSeekV3TokenizerAsAStandIn) {
  // The 8B shapes are too big for a unit test; keep the preset's keys and tokenizer, shrink the
  // widths.
  SynthPreset p = *find_synth_preset("r1-distill-llama-8b");
  p.n_embd = 256;
  p.n_head = 2;
  p.n_head_kv = 1;
  p.n_ff = 512;
  const std::string path = work_dir("llama") + "/llama-small.gguf";
  SynthOptions o;
  o.n_layer = 2;
  o.tokenizer = tokenizer_hint();
  auto r = synthesize(p, path, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  // The DeepSeek-V3 tokenizer's size (128815 ids in its tokenizer.json), above Llama-3's 128256.
  EXPECT_GT(r->n_tokens, 128256);
  EXPECT_EQ(r->n_vocab, r->n_tokens);
  bool noted = false;
  for (const auto& n : r->notes) noted |= n.find("stand-in") != std::string::npos;
  EXPECT_TRUE(noted);
  auto f = gguf::GgufFile::open(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->get_uint("llama.vocab_size"), static_cast<uint64_t>(r->n_vocab));
  EXPECT_EQ(f->find_tensor("token_embd.weight")->ne[1], r->n_vocab);
  EXPECT_EQ(*f->get_uint("llama.rope.dimension_count"), 128u);
  EXPECT_FLOAT_EQ(static_cast<float>(*f->get_float("llama.rope.freq_base")), 500000.f);
  EXPECT_EQ(*f->get_string("tokenizer.ggml.pre"), "deepseek-v3");
  const gguf::TensorInfo* rf = f->find_tensor("rope_freqs.weight");
  ASSERT_NE(rf, nullptr);
  EXPECT_EQ(rf->ne[0], 64);
  EXPECT_EQ(f->find_tensor("blk.0.attn_q.bias"), nullptr);
  auto lm = runtime::load(path);
  ASSERT_TRUE(lm.ok()) << lm.error().message;
  EXPECT_TRUE((*lm)->model->config().has_rope_freqs);
  const auto out = synth_test::run_prompt(*(*lm)->model, (*lm)->tokenizer.encode("Hi there", {.add_bos = true}), 3);
  EXPECT_EQ(out.greedy.size(), 3u);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(Synth, Errors) {
  const std::string d = work_dir("errors");
  SynthOptions o;
  o.n_layer = 29;
  auto r = synthesize(*find_synth_preset("r1-distill-qwen-1.5b"), d + "/x.gguf", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--layers 29"), std::string::npos) << r.error().message;
  o.n_layer = 1;
  o.type = GgmlType::Q4_K;
  r = synthesize(*find_synth_preset("r1-distill-qwen-1.5b"), d + "/x.gguf", o);
  ASSERT_FALSE(r.ok());
  o.type = GgmlType::F16;
  o.tokenizer = d + "/no-such-dir";
  r = synthesize(*find_synth_preset("r1-distill-qwen-1.5b"), d + "/x.gguf", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no-such-dir"), std::string::npos) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(d + "/x.gguf"));

  const auto cli = synth_test::run_cli("synth --model r1-distill-qwen-99b -o " + d + "/y.gguf");
  EXPECT_NE(cli.status, 0);
  EXPECT_NE(cli.output.find("unknown model 'r1-distill-qwen-99b'"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find("r1-distill-qwen-1.5b"), std::string::npos) << cli.output;  // lists the known ones
  const auto bad_type = synth_test::run_cli("synth --model r1-distill-qwen-1.5b --type Q7_K -o " + d + "/y.gguf");
  EXPECT_NE(bad_type.status, 0);
  EXPECT_NE(bad_type.output.find("--type 'Q7_K'"), std::string::npos) << bad_type.output;
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace onboard::model
