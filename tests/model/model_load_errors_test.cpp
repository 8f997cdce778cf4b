// A real model file cut anywhere, or missing a tensor, or with a wrong shape, gives one
// error line naming the problem, and never a crash.
#include <gtest/gtest.h>

#include "format/gguf.h"
#include "format/gguf_writer.h"
#include "gguf_rewrite.h"
#include "model/model.h"

namespace onboard::model {
namespace {

const std::string kModels = std::string(ONBOARD_FIXTURES_DIR) + "/models/";

TEST(ModelLoad, TruncatedFixtureAtManyOffsetsIsAlwaysAnError) {
  auto full = gguf::GgufFile::open(kModels + "tiny-llama.gguf");
  ASSERT_TRUE(full.ok());
  const auto bytes = full->bytes();
  // Every offset in the first 4 KiB (header, first keys), then 400 offsets spread over the
  // rest (token arrays, tensor infos, data), and the last bytes.
  std::vector<size_t> cuts;
  for (size_t n = 0; n < 4096; ++n) cuts.push_back(n);
  for (size_t k = 1; k <= 400; ++k) cuts.push_back(bytes.size() * k / 401);
  for (size_t n = bytes.size() - 64; n < bytes.size(); ++n) cuts.push_back(n);
  for (size_t n : cuts) {
    auto f = gguf::GgufFile::parse(bytes.subspan(0, n), "cut.gguf");
    if (f.ok()) {
      // Only a cut inside the last tensor's trailing padding may still parse; then the model loads.
      auto m = load_model(std::move(*f));
      EXPECT_TRUE(m.ok()) << "cut at " << n;
      continue;
    }
    EXPECT_EQ(f.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(f.error().message.rfind("cut.gguf: ", 0), 0u) << f.error().message;
  }
}

using test_gguf::rewritten;

TEST(ModelLoad, MissingTensorIsNamed) {
  auto src = gguf::GgufFile::open(kModels + "tiny-qwen2.gguf");
  ASSERT_TRUE(src.ok());
  std::vector<uint8_t> storage;
  auto f = rewritten(*src, "blk.1.ffn_down.weight", "", storage);
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto m = load_model(std::move(*f));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'blk.1.ffn_down.weight' is missing"), std::string::npos) << m.error().message;
}

TEST(ModelLoad, WrongShapeIsNamed) {
  auto src = gguf::GgufFile::open(kModels + "tiny-qwen2.gguf");
  ASSERT_TRUE(src.ok());
  std::vector<uint8_t> storage;
  auto f = rewritten(*src, "", "blk.0.ffn_gate.weight", storage);
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto m = load_model(std::move(*f));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'blk.0.ffn_gate.weight' has shape [160, 32], expected [32, 160]"), std::string::npos)
      << m.error().message;
}

TEST(ModelLoad, UnknownArchitectureIsNamed) {
  auto f = gguf::GgufFile::open(std::string(ONBOARD_FIXTURES_DIR) + "/quant/quant-blocks.gguf");
  ASSERT_TRUE(f.ok());
  auto m = load_model(std::move(*f));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("unknown architecture 'quant-blocks'"), std::string::npos) << m.error().message;
}

}  // namespace
}  // namespace onboard::model
