#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "format/gguf.h"
#include "format/gguf_writer.h"

namespace onboard::gguf {
namespace {

const std::string kFixtures = ONBOARD_FIXTURES_DIR;

// A small but complete file: scalars of each kind, arrays, three tensors of mixed types.
std::vector<uint8_t> small_file() {
  GgufWriter w;
  w.add_string("general.architecture", "llama");
  w.add_u32("llama.block_count", 2);
  w.add_f32("llama.rope.freq_base", 10000.f);
  w.add_bool("tokenizer.ggml.add_bos_token", true);
  w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "\xc4\xa0hello"});
  w.add_i32_array("tokenizer.ggml.token_type", {1, 1, 3});
  std::vector<uint8_t> f32(4 * 8 * 4), q8(34 * 2, 0), f16(2 * 32 * 2);
  for (size_t i = 0; i < f32.size(); ++i) f32[i] = static_cast<uint8_t>(i);
  EXPECT_TRUE(w.add_tensor("a.weight", GgmlType::F32, {8, 4}, f32).ok());
  EXPECT_TRUE(w.add_tensor("b.weight", GgmlType::Q8_0, {64}, q8).ok());
  EXPECT_TRUE(w.add_tensor("c.weight", GgmlType::F16, {32, 2}, f16).ok());
  auto bytes = w.write_to_memory();
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

TEST(GgufReader, ReadsWhatTheWriterWrote) {
  auto bytes = small_file();
  auto f = GgufFile::parse(bytes, "small");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(*f->get_string("general.architecture"), "llama");
  EXPECT_EQ(*f->get_uint("llama.block_count"), 2u);
  EXPECT_FLOAT_EQ(static_cast<float>(*f->get_float("llama.rope.freq_base")), 10000.f);
  EXPECT_TRUE(*f->get_bool("tokenizer.ggml.add_bos_token"));
  auto tokens = f->get_array("tokenizer.ggml.tokens", ValueType::STRING);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ((*tokens)->strings.size(), 3u);
  EXPECT_EQ((*tokens)->strings[2], "\xc4\xa0hello");
  auto types = f->get_array("tokenizer.ggml.token_type", ValueType::INT32);
  ASSERT_TRUE(types.ok());
  EXPECT_EQ((*types)->int_at(2), 3);
  ASSERT_EQ(f->tensors().size(), 3u);
  const TensorInfo* a = f->find_tensor("a.weight");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->ne[0], 8);
  EXPECT_EQ(a->ne[1], 4);
  EXPECT_EQ(a->n_bytes, 128u);
  EXPECT_EQ(a->data[5], 5);
  EXPECT_EQ(f->find_tensor("b.weight")->n_bytes, 68u);
  EXPECT_EQ((f->find_tensor("c.weight")->data - f->bytes().data()) % 32, 0);
}

TEST(GgufReader, TypedGettersNameTheKey) {
  auto bytes = small_file();
  auto f = GgufFile::parse(bytes, "small");
  ASSERT_TRUE(f.ok());
  auto missing = f->get_uint("llama.context_length");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("llama.context_length"), std::string::npos);
  auto wrong = f->get_string("llama.block_count");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("uint32"), std::string::npos) << wrong.error().message;
}

TEST(GgufReader, OpensEveryFixtureModel) {
  for (const char* m : {"tiny-qwen2", "tiny-llama", "tiny-v2", "tiny-v2-lite", "tiny-v3-mla"}) {
    auto f = GgufFile::open(kFixtures + "/models/" + m + ".gguf");
    ASSERT_TRUE(f.ok()) << m << ": " << f.error().message;
    EXPECT_GT(f->tensors().size(), 10u) << m;
    EXPECT_TRUE(f->get_string("general.architecture").ok()) << m;
    const TensorInfo* embd = f->find_tensor("token_embd.weight");
    ASSERT_NE(embd, nullptr) << m;
    EXPECT_EQ(embd->type, GgmlType::BF16);
    EXPECT_EQ(embd->ne[0], 32);
  }
}

TEST(GgufReader, QuantBlockFixtureHasUnalignedSizes) {
  auto f = GgufFile::open(kFixtures + "/quant/quant-blocks.gguf");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(*f->get_string("general.architecture"), "quant-blocks");
  ASSERT_EQ(f->tensors().size(), 14u);
  const TensorInfo* q6 = f->find_tensor("Q6_K");
  ASSERT_NE(q6, nullptr);
  EXPECT_EQ(q6->type, GgmlType::Q6_K);
  EXPECT_EQ(q6->n_bytes, 4u * 2 * 210);
  // The fixture index's data_offset_in_gguf counts the data-section start twice (gguf-py's
  // absolute offset plus the section start again): F16 holds fp16 0.00246 (0x190a) at 896.
  const TensorInfo* f16 = f->find_tensor("F16");
  EXPECT_EQ(f->data_offset(), 896u);
  EXPECT_EQ(f16->data - f->bytes().data(), 1792 - 896);
  EXPECT_EQ(f16->data[0], 0x0a);
  EXPECT_EQ(f16->data[1], 0x19);
}

TEST(GgufReader, EveryTruncationIsAnError) {
  auto bytes = small_file();
  auto full = GgufFile::parse(bytes, "small");
  ASSERT_TRUE(full.ok());
  uint64_t end = 0;
  for (const auto& t : full->tensors()) end = std::max<uint64_t>(end, full->data_offset() + t.offset + t.n_bytes);
  for (size_t n = 0; n < end; ++n) {
    auto f = GgufFile::parse(std::span<const uint8_t>(bytes.data(), n), "cut");
    ASSERT_FALSE(f.ok()) << "a file cut to " << n << " of " << end << " bytes parsed";
    EXPECT_EQ(f.error().message.find('\n'), std::string::npos) << "one-line errors";
    EXPECT_EQ(f.error().message.rfind("cut: ", 0), 0u) << f.error().message;
  }
}

TEST(GgufReader, TruncatedFixtureNamesTheTensor) {
  auto f = GgufFile::open(kFixtures + "/models/tiny-qwen2.gguf");
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> bytes(f->bytes().begin(), f->bytes().end() - 1000);
  auto cut = GgufFile::parse(bytes, "tiny-qwen2-cut.gguf");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("extends past the end of the file"), std::string::npos) << cut.error().message;
  EXPECT_NE(cut.error().message.find("'"), std::string::npos);
}

// Corruptions at known places each give their own message.
struct Corruption {
  const char* what;
  size_t offset;
  std::vector<uint8_t> bytes;
  const char* expect;
};

TEST(GgufReader, CorruptHeadersGiveClearErrors) {
  const auto good = small_file();
  auto put64 = [](uint64_t v) {
    std::vector<uint8_t> b(8);
    std::memcpy(b.data(), &v, 8);
    return b;
  };
  const std::vector<Corruption> cases = {
      {"magic", 0, {'G', 'G', 'M', 'L'}, "bad magic"},
      {"version", 4, {9, 0, 0, 0}, "unsupported GGUF version 9"},
      {"tensor count", 8, put64(uint64_t{1} << 60), "tensor count"},
      {"kv count", 16, put64(uint64_t{1} << 40), "metadata count"},
      {"first key length", 24, put64(uint64_t{1} << 50), "string length"},
  };
  for (const auto& c : cases) {
    auto bytes = good;
    std::copy(c.bytes.begin(), c.bytes.end(), bytes.begin() + c.offset);
    auto f = GgufFile::parse(bytes, "bad.gguf");
    ASSERT_FALSE(f.ok()) << c.what;
    EXPECT_NE(f.error().message.find(c.expect), std::string::npos) << c.what << ": " << f.error().message;
  }
}

// Finds the tensor info of `name` and returns the offset just after its name.
size_t after_name(const std::vector<uint8_t>& bytes, const std::string& name) {
  for (size_t i = 8; i + name.size() <= bytes.size(); ++i) {
    uint64_t len = 0;
    std::memcpy(&len, &bytes[i - 8], 8);
    if (len == name.size() && std::memcmp(&bytes[i], name.data(), name.size()) == 0) {
      // Tensor infos come after the KV section; metadata strings never equal tensor names here.
      return i + name.size();
    }
  }
  return 0;
}

TEST(GgufReader, CorruptTensorInfosGiveClearErrors) {
  const auto good = small_file();
  const size_t b = after_name(good, "b.weight");  // n_dims(4) ne0(8) type(4) offset(8)
  ASSERT_GT(b, 0u);
  auto set32 = [](std::vector<uint8_t>& v, size_t at, uint32_t x) { std::memcpy(&v[at], &x, 4); };
  auto set64 = [](std::vector<uint8_t>& v, size_t at, uint64_t x) { std::memcpy(&v[at], &x, 8); };
  struct Case {
    const char* expect;
    std::function<void(std::vector<uint8_t>&)> edit;
  };
  const std::vector<Case> cases = {
      {"dimensions (1..4 allowed)", [&](auto& v) { set32(v, b, 7); }},
      {"unknown type id 99", [&](auto& v) { set32(v, b + 12, 99); }},
      {"not a multiple of the Q8_0 block size", [&](auto& v) { set64(v, b + 4, 48); }},
      {"dimension 0 = -5", [&](auto& v) { set64(v, b + 4, static_cast<uint64_t>(-5)); }},
      {"is not aligned", [&](auto& v) { set64(v, b + 16, 129); }},
      {"overlap", [&](auto& v) { set64(v, b + 16, 96); }},
      {"extends past the end", [&](auto& v) { set64(v, b + 16, uint64_t{1} << 40); }},
  };
  for (const auto& c : cases) {
    auto bytes = good;
    c.edit(bytes);
    auto f = GgufFile::parse(bytes, "bad.gguf");
    ASSERT_FALSE(f.ok()) << c.expect;
    EXPECT_NE(f.error().message.find(c.expect), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find("b.weight"), std::string::npos) << f.error().message;
  }
}

TEST(GgufReader, ShapeOverflowIsRejected) {
  GgufWriter w;
  std::vector<uint8_t> none;
  ASSERT_TRUE(w.add_tensor("big", GgmlType::F32, {1, 1, 1, 1}, std::vector<uint8_t>(4)).ok());
  auto bytes = *w.write_to_memory();
  const size_t b = after_name(bytes, "big");
  const uint64_t huge = uint64_t{1} << 62;
  std::memcpy(&bytes[b + 4], &huge, 8);
  std::memcpy(&bytes[b + 12], &huge, 8);
  auto f = GgufFile::parse(bytes, "bad.gguf");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("overflows"), std::string::npos) << f.error().message;
}

TEST(GgufReader, MissingFileIsNotFound) {
  auto f = GgufFile::open("/nonexistent/model.gguf");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::kNotFound);
  EXPECT_NE(f.error().message.find("/nonexistent/model.gguf"), std::string::npos);
}

}  // namespace
}  // namespace onboard::gguf
