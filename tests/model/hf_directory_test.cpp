// Hugging Face directories against GGUF (issue 5, done-when 2): every fixture model written
// as a Hugging Face directory (with the fixture's own config.json, and with one derived from
// the GGUF keys) gives bit-identical logits to the GGUF at every prompt position, since every
// tensor keeps its exact BF16/F32 values and the kernels see the same types; and it still
// matches the fixture's independent reference. An FP8 directory gives the logits of the same
// directory with every FP8 block dequantized to F32 by an independent decoder.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture_reference.h"
#include "format/safetensors.h"
#include "format/safetensors_writer.h"
#include "model/hf_directory.h"
#include "model/hf_export.h"
#include "runtime/loaded_model.h"
#include "synth_test_util.h"

namespace onboard::model {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json fixture_hf_config(const std::string& name) {
  std::ifstream in(testing::kModels + name + ".hf-config.json");
  return json::parse(in);
}

std::string fixture_tokenizer(const std::string& name) {
  return std::string(ONBOARD_FIXTURES_DIR) + "/tokenizer/" + fixture_hf_config(name)["tokenizer"].get<std::string>();
}

// Logits of every prompt position (all_logits), one thread.
std::vector<float> prompt_logits(const Model& m, const std::vector<int32_t>& prompt) {
  StateOptions o;
  o.n_ctx = 64;
  o.n_batch = 32;
  o.all_logits = true;
  auto s = m.new_state(o);
  EXPECT_TRUE(s.ok());
  ThreadPool pool(1);
  EXPECT_TRUE(m.forward(**s, prompt, 0, pool).ok());
  const ForwardState& st = **s;
  return std::vector<float>(st.logits(0), st.logits(0) + st.n_logits() * st.n_vocab());
}

size_t count_differences(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return std::max(a.size(), b.size());
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
  return n;
}

std::unique_ptr<Model> load_dir(const std::string& dir) {
  HfLoadReport report;
  auto m = load_hf_model(dir, &report);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(*m) : nullptr;
}

class HfFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(HfFixture, OwnConfigGivesTheGgufLogitsAndPassesTheReference) {
  const std::string name = GetParam();
  auto gguf = gguf::GgufFile::open(testing::kModels + name + ".gguf");
  ASSERT_TRUE(gguf.ok());
  const std::string dir = synth_test::work_dir("hf-" + name);
  HfExportOptions o;
  o.config = fixture_hf_config(name)["hf_config"];  // written by the fixture generator, not by us
  o.tokenizer = fixture_tokenizer(name);
  auto r = write_hf_directory(*gguf, dir, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(fs::exists(dir + "/model-00001-of-00002.safetensors"));
  EXPECT_TRUE(fs::exists(dir + "/model-00002-of-00002.safetensors"));

  auto from_gguf = testing::load_fixture(name);
  auto from_hf = load_dir(dir);
  ASSERT_TRUE(from_gguf && from_hf);
  const testing::Reference ref = testing::read_reference(name);
  EXPECT_EQ(count_differences(prompt_logits(*from_gguf, ref.prompt), prompt_logits(*from_hf, ref.prompt)), 0u);
  testing::expect_matches_reference(*from_hf, ref, 2, GgmlType::F32);

  // The same directory through runtime::load: tokenizer.json and tokenizer_config.json.
  auto loaded = runtime::load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto gguf_loaded = runtime::load(testing::kModels + name + ".gguf");
  ASSERT_TRUE(gguf_loaded.ok());
  const text::Tokenizer& tok = (*loaded)->tokenizer;
  EXPECT_EQ(tok.bos_id(), from_hf->config().arch == "qwen2" ? 151646 : 0);  // from tokenizer_config.json
  EXPECT_EQ(tok.add_bos(), (*gguf_loaded)->tokenizer.add_bos());
  EXPECT_EQ(tok.encode("Hello, world: 3.14 tokens <think>"), (*gguf_loaded)->tokenizer.encode("Hello, world: 3.14 tokens <think>"));
  EXPECT_EQ((*loaded)->chat_template, (*gguf_loaded)->chat_template);
  fs::remove_all(dir);
}

TEST_P(HfFixture, DerivedConfigGivesTheGgufLogits) {
  const std::string name = GetParam();
  auto gguf = gguf::GgufFile::open(testing::kModels + name + ".gguf");
  ASSERT_TRUE(gguf.ok());
  const std::string dir = synth_test::work_dir("hf-derived-" + name);
  HfExportOptions o;
  o.n_shards = 3;
  const json own = fixture_hf_config(name)["hf_config"];
  if (own.contains("rope_scaling")) o.rope_scaling = own["rope_scaling"];  // llama3: not in GGUF keys
  auto r = write_hf_directory(*gguf, dir, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto from_gguf = testing::load_fixture(name);
  auto from_hf = load_dir(dir);
  ASSERT_TRUE(from_gguf && from_hf);
  const testing::Reference ref = testing::read_reference(name);
  EXPECT_EQ(count_differences(prompt_logits(*from_gguf, ref.prompt), prompt_logits(*from_hf, ref.prompt)), 0u);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HfFixture,
                         ::testing::Values("tiny-qwen2", "tiny-llama", "tiny-v2", "tiny-v2-lite", "tiny-v3-mla"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// e4m3fn by its definition (reference §5.1), written independently of tensor/fp8.cpp.
float e4m3_reference(uint8_t code) {
  const int s = code >> 7, e = (code >> 3) & 15, m = code & 7;
  const double mag = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, e - 7);
  return static_cast<float>(s ? -mag : mag);
}

// Rewrites every shard of `src` into `dst` with each F8_E4M3 weight replaced by its F32
// dequantization W[r][c] = e4m3(q[r][c]) * scale[r/128][c/128] and the scales dropped.
void dequantize_directory(const std::string& src, const std::string& dst) {
  fs::create_directories(dst);
  for (const char* f : {"config.json"}) fs::copy_file(src + "/" + f, dst + "/" + f);
  std::ifstream in(src + "/model.safetensors.index.json");
  json index = json::parse(in);
  json map = json::object();
  std::vector<safetensors::SafetensorsFile> shards;
  for (const auto& entry : fs::directory_iterator(src)) {
    if (entry.path().extension() != ".safetensors") continue;
    auto f = safetensors::SafetensorsFile::open(entry.path().string());
    ASSERT_TRUE(f.ok());
    safetensors::SafetensorsWriter w;
    for (const auto& t : f->tensors()) {
      if (t.name.ends_with("_scale_inv")) continue;
      map[t.name] = entry.path().filename().string();
      if (t.dtype != safetensors::Dtype::kF8E4M3) {
        ASSERT_TRUE(w.add_tensor(t.name, t.dtype_name, t.shape, [&t](std::span<uint8_t> d) {
                       std::memcpy(d.data(), t.data, t.n_bytes);
                       return Status::Ok();
                     }).ok());
        continue;
      }
      const safetensors::TensorInfo* s = f->find(t.name + "_scale_inv");
      ASSERT_NE(s, nullptr) << t.name;
      ASSERT_TRUE(w.add_tensor(t.name, "F32", t.shape, [&t, s](std::span<uint8_t> d) {
                     const int64_t cols = t.shape[1], scols = s->shape[1];
                     for (int64_t i = 0; i < t.n_elements(); ++i) {
                       float scale;
                       std::memcpy(&scale, s->data + ((i / cols / 128) * scols + (i % cols) / 128) * 4, 4);
                       const float v = e4m3_reference(t.data[i]) * scale;
                       std::memcpy(d.data() + i * 4, &v, 4);
                     }
                     return Status::Ok();
                   }).ok());
    }
    ASSERT_TRUE(w.write(dst + "/" + entry.path().filename().string()).ok());
    shards.push_back(std::move(*f));
  }
  std::ofstream(dst + "/model.safetensors.index.json") << json{{"metadata", json::object()}, {"weight_map", map}}.dump();
}

TEST(HfFp8, LogitsEqualTheBlocksDequantizedToF32) {
  auto gguf = gguf::GgufFile::open(testing::kModels + "tiny-v3-mla.gguf");
  ASSERT_TRUE(gguf.ok());
  const std::string dir = synth_test::work_dir("hf-fp8"), f32 = dir + "-f32";
  HfExportOptions o;
  o.fp8 = true;
  auto r = write_hf_directory(*gguf, dir, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  // q_a, q_b, kv_a, kv_b, o per layer; 1 dense MLP (3); 2 MoE layers x (16 experts + shared) x 3.
  EXPECT_EQ(r->n_fp8, 3 * 5 + 3 + 2 * 17 * 3);
  dequantize_directory(dir, f32);

  HfLoadReport report;
  auto fp8 = load_hf_model(dir, &report);
  ASSERT_TRUE(fp8.ok()) << fp8.error().message;
  EXPECT_EQ(report.n_fp8, r->n_fp8);
  // Every built tensor here is FP8 turned F32 (directly, split from kv_b or stacked): 4 bytes
  // each and nothing more, so no intermediate F32 copy is kept beside the kv_b split or stack.
  EXPECT_EQ(report.converted_bytes, 4 * report.fp8_source_bytes);
  auto deq = load_dir(f32);
  ASSERT_TRUE(deq);
  const testing::Reference ref = testing::read_reference("tiny-v3-mla");
  const auto a = prompt_logits(**fp8, ref.prompt), b = prompt_logits(*deq, ref.prompt);
  EXPECT_EQ(count_differences(a, b), 0u);
  // And FP8 really is a coarser model than the BF16 original.
  auto bf16 = testing::load_fixture("tiny-v3-mla");
  EXPECT_GT(count_differences(a, prompt_logits(*bf16, ref.prompt)), a.size() / 2);
  fs::remove_all(dir);
  fs::remove_all(f32);
}

}  // namespace
}  // namespace onboard::model
