// Bad Hugging Face directories (issue 5, done-when 5): each damage to a good directory (the
// tiny-v2-lite fixture written out) gives an error naming the file and the tensor.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
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

class HfBadDirectory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = new std::string(synth_test::work_dir("hf-bad-base"));
    auto gguf = gguf::GgufFile::open(testing::kModels + "tiny-v2-lite.gguf");
    ASSERT_TRUE(gguf.ok());
    std::ifstream in(testing::kModels + "tiny-v2-lite.hf-config.json");
    HfExportOptions o;
    o.config = json::parse(in)["hf_config"];
    ASSERT_TRUE(write_hf_directory(*gguf, *base_, o).ok());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*base_);
    delete base_;
  }
  void SetUp() override {
    dir_ = synth_test::work_dir(std::string("hf-bad-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::copy(*base_, dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string load_error() {
    auto m = load_hf_model(dir_);
    return m.ok() ? std::string("loaded") : m.error().message;
  }
  json index() {
    std::ifstream in(dir_ + "/model.safetensors.index.json");
    return json::parse(in);
  }
  void write_index(const json& j) { std::ofstream(dir_ + "/model.safetensors.index.json") << j.dump(); }
  std::string shard_of(const std::string& tensor) { return dir_ + "/" + index()["weight_map"][tensor].get<std::string>(); }

  // Rewrites the shard holding `tensor`; `edit` may change that tensor's dtype and shape
  // (the bytes are cut or zero-padded to fit), `extra` adds I64 tensors.
  void rewrite_shard(const std::string& tensor, const std::function<void(std::string&, std::vector<int64_t>&)>& edit,
                     const std::vector<std::string>& extra = {}) {
    const std::string path = shard_of(tensor);
    auto f = safetensors::SafetensorsFile::open(path);
    ASSERT_TRUE(f.ok());
    safetensors::SafetensorsWriter w;
    for (const auto& t : f->tensors()) {
      std::string dtype = t.dtype_name;
      std::vector<int64_t> shape = t.shape;
      if (t.name == tensor) edit(dtype, shape);
      const auto* tp = &t;
      ASSERT_TRUE(w.add_tensor(t.name, dtype, shape, [tp](std::span<uint8_t> d) {
                     std::memcpy(d.data(), tp->data, std::min<size_t>(d.size(), tp->n_bytes));
                     return Status::Ok();
                   }).ok());
    }
    json j = index();
    for (const auto& name : extra) {
      ASSERT_TRUE(w.add_tensor(name, "I64", {2}, [](std::span<uint8_t> d) {
                     std::fill(d.begin(), d.end(), 0);
                     return Status::Ok();
                   }).ok());
      j["weight_map"][name] = fs::path(path).filename().string();
    }
    ASSERT_TRUE(w.write(path).ok());
    write_index(j);
  }

  static std::string* base_;
  std::string dir_;
};

std::string* HfBadDirectory::base_ = nullptr;

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST_F(HfBadDirectory, TheUndamagedDirectoryLoads) { EXPECT_EQ(load_error(), "loaded"); }

TEST_F(HfBadDirectory, OneModelSafetensorsWithoutAnIndexLoadsTheSame) {
  auto sharded = load_hf_model(dir_);
  ASSERT_TRUE(sharded.ok());
  // Both shards' tensors into one model.safetensors, and no index.
  safetensors::SafetensorsWriter w;
  std::vector<safetensors::SafetensorsFile> shards;
  for (const char* s : {"/model-00001-of-00002.safetensors", "/model-00002-of-00002.safetensors"}) {
    auto f = safetensors::SafetensorsFile::open(dir_ + s);
    ASSERT_TRUE(f.ok());
    shards.push_back(std::move(*f));
  }
  for (const auto& f : shards)
    for (const auto& t : f.tensors()) {
      const auto* tp = &t;
      ASSERT_TRUE(w.add_tensor(t.name, t.dtype_name, t.shape, [tp](std::span<uint8_t> d) {
                     std::memcpy(d.data(), tp->data, d.size());
                     return Status::Ok();
                   }).ok());
    }
  ASSERT_TRUE(w.write(dir_ + "/model.safetensors").ok());
  for (const char* s : {"/model-00001-of-00002.safetensors", "/model-00002-of-00002.safetensors", "/model.safetensors.index.json"})
    fs::remove(dir_ + s);
  auto single = load_hf_model(dir_);
  ASSERT_TRUE(single.ok()) << single.error().message;
  const std::vector<int32_t> prompt = {0, 100, 2000, 30000};
  StateOptions o;
  o.n_ctx = 8;
  o.n_batch = 4;
  ThreadPool pool(1);
  auto a = (*sharded)->new_state(o);
  auto b = (*single)->new_state(o);
  ASSERT_TRUE((*sharded)->forward(**a, prompt, 0, pool).ok());
  ASSERT_TRUE((*single)->forward(**b, prompt, 0, pool).ok());
  EXPECT_EQ(std::memcmp((*a)->logits(0), (*b)->logits(0), (*a)->n_vocab() * sizeof(float)), 0);
}

TEST_F(HfBadDirectory, MissingShard) {
  const std::string shard = shard_of("model.norm.weight");
  fs::remove(shard);
  const std::string e = load_error();
  EXPECT_HAS(e, shard + ": cannot open");
  EXPECT_HAS(e, "(shard of tensor '");
}

TEST_F(HfBadDirectory, WrongShapeOfAMappedTensor) {
  const std::string t = "model.layers.0.input_layernorm.weight";
  rewrite_shard(t, [](std::string&, std::vector<int64_t>& s) { s = {16}; });
  const std::string e = load_error();
  EXPECT_HAS(e, "has shape [16], expected [32]");
  EXPECT_HAS(e, shard_of(t) + ": tensor '" + t + "'");
}

TEST_F(HfBadDirectory, WrongShapeOfAnExpert) {
  const std::string t = "model.layers.1.mlp.experts.3.up_proj.weight";
  rewrite_shard(t, [](std::string&, std::vector<int64_t>& s) { s = {32, 16}; });
  EXPECT_HAS(load_error(), shard_of(t) + ": tensor '" + t + "' has shape [32, 16], expected [32, 32]");
}

TEST_F(HfBadDirectory, WrongShapeOfKvB) {
  const std::string t = "model.layers.2.self_attn.kv_b_proj.weight";
  rewrite_shard(t, [](std::string&, std::vector<int64_t>& s) { s = {s[0] - 1, s[1]}; });
  EXPECT_HAS(load_error(), shard_of(t) + ": tensor '" + t + "' has shape [255, 32], expected [256, 32]");
}

TEST_F(HfBadDirectory, DtypeTheEngineCannotUse) {
  const std::string t = "model.layers.0.self_attn.o_proj.weight";
  rewrite_shard(t, [](std::string& d, std::vector<int64_t>&) { d = "I16"; });
  EXPECT_HAS(load_error(), shard_of(t) + ": tensor '" + t + "' has dtype I16, which the engine cannot compute with");
}

TEST_F(HfBadDirectory, UnusedTensorsOfOtherDtypesAndMtpLayersAreSkipped) {
  rewrite_shard("model.norm.weight", [](std::string&, std::vector<int64_t>&) {},
                {"model.layers.4.eh_proj.weight", "model.layers.4.enorm.weight", "model.extra_counter"});
  HfLoadReport report;
  auto m = load_hf_model(dir_, &report);
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::string notes;
  for (const auto& n : report.notes) notes += n + "\n";
  EXPECT_HAS(notes, "skipped 2 tensors of the multi-token-prediction layers (model.layers.4 and up)");
  EXPECT_HAS(notes, "ignored 1 tensors the engine does not use, e.g. 'model.extra_counter'");
}

TEST_F(HfBadDirectory, ShardCutShortSoTheIndexPointsPastItsEnd) {
  const std::string shard = shard_of("model.norm.weight");
  fs::resize_file(shard, fs::file_size(shard) - 100);
  const std::string e = load_error();
  EXPECT_HAS(e, shard + ": tensor '");
  EXPECT_HAS(e, "is past the");
  EXPECT_HAS(e, "(byte ");
}

TEST_F(HfBadDirectory, IndexNamesAShardWithoutTheTensor) {
  json j = index();
  const std::string t = "model.layers.0.self_attn.q_proj.weight";
  const std::string other = j["weight_map"][t] == "model-00001-of-00002.safetensors" ? "model-00002-of-00002.safetensors"
                                                                                     : "model-00001-of-00002.safetensors";
  j["weight_map"][t] = other;
  write_index(j);
  EXPECT_HAS(load_error(), "model.safetensors.index.json: tensor '" + t + "' is mapped to " + other + ", which does not contain it");
}

TEST_F(HfBadDirectory, TensorMissingFromTheIndex) {
  json j = index();
  j["weight_map"].erase("model.layers.1.self_attn.kv_a_proj_with_mqa.weight");
  write_index(j);
  EXPECT_HAS(load_error(), "Hugging Face tensor 'model.layers.1.self_attn.kv_a_proj_with_mqa.weight' is not in " + dir_ +
                               "/model.safetensors.index.json");
}

TEST_F(HfBadDirectory, ExpertMissingFromTheIndex) {
  json j = index();
  j["weight_map"].erase("model.layers.3.mlp.experts.15.down_proj.weight");
  write_index(j);
  EXPECT_HAS(load_error(), dir_ + "/model.safetensors.index.json: tensor 'model.layers.3.mlp.experts.15.down_proj.weight' is missing");
}

TEST_F(HfBadDirectory, TruncatedShardHeader) {
  const std::string shard = shard_of("model.norm.weight");
  fs::resize_file(shard, 5);
  EXPECT_HAS(load_error(), shard + ": truncated: 5 bytes");
}

TEST_F(HfBadDirectory, BadJson) {
  std::ofstream(dir_ + "/config.json") << "{\"architectures\": [\"DeepseekV2ForCausalLM\"], ";
  EXPECT_HAS(load_error(), dir_ + "/config.json: not a valid JSON object");
}

TEST_F(HfBadDirectory, BadIndexJson) {
  std::ofstream(dir_ + "/model.safetensors.index.json") << "{\"weight_map\": [";
  EXPECT_HAS(load_error(), dir_ + "/model.safetensors.index.json: not a JSON object with a weight_map object");
}

TEST_F(HfBadDirectory, MissingConfigKeyAndUnknownArchitecture) {
  std::ifstream in(dir_ + "/config.json");
  json c = json::parse(in);
  in.close();
  c.erase("kv_lora_rank");
  std::ofstream(dir_ + "/config.json") << c.dump();
  EXPECT_HAS(load_error(), dir_ + "/config.json: key 'kv_lora_rank' is missing");
  c["architectures"] = {"MixtralForCausalLM"};
  std::ofstream(dir_ + "/config.json") << c.dump();
  EXPECT_HAS(load_error(), "architectures 'MixtralForCausalLM' is not one of");
}

TEST_F(HfBadDirectory, DirectoryWithoutConfigOrTokenizer) {
  fs::remove(dir_ + "/tokenizer.json");  // the base directory was written without one
  auto no_tokenizer = runtime::load(dir_);
  ASSERT_FALSE(no_tokenizer.ok());
  EXPECT_HAS(no_tokenizer.error().message, dir_ + "/tokenizer.json");
  fs::remove(dir_ + "/config.json");
  auto no_config = runtime::load(dir_);
  ASSERT_FALSE(no_config.ok());
  EXPECT_HAS(no_config.error().message, dir_ + ": a directory without config.json");
}

}  // namespace
}  // namespace onboard::model
