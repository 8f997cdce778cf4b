// The strict safetensors reader: a written file reads back; every malformed header is an
// error naming the file, the tensor and the byte offset where it applies.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "format/safetensors.h"
#include "format/safetensors_writer.h"

namespace onboard::safetensors {
namespace {

// A file from header text and data bytes, as the format lays it out.
std::vector<uint8_t> raw_file(const std::string& header, size_t data_bytes) {
  std::vector<uint8_t> b(8 + header.size() + data_bytes, 0x5A);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(b.data() + 8, header.data(), header.size());
  return b;
}

std::string parse_error(const std::vector<uint8_t>& b) {
  auto f = SafetensorsFile::parse(b, "shard.safetensors");
  return f.ok() ? std::string("parsed") : f.error().message;
}

TEST(SafetensorsReader, WriterOutputReadsBack) {
  SafetensorsWriter w;
  w.add_metadata("format", "pt");
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};
  ASSERT_TRUE(w.add_tensor("a", "F32", {2, 3}, [&](std::span<uint8_t> d) {
                 std::memcpy(d.data(), a.data(), 24);
                 return Status::Ok();
               }).ok());
  ASSERT_TRUE(w.add_tensor("b", "F8_E4M3", {3}, [](std::span<uint8_t> d) {
                 d[0] = 1, d[1] = 2, d[2] = 3;
                 return Status::Ok();
               }).ok());
  ASSERT_TRUE(w.add_tensor("c", "BF16", {1, 1}, [](std::span<uint8_t> d) {
                 d[0] = 0x80, d[1] = 0x3F;
                 return Status::Ok();
               }).ok());
  auto bytes = w.write_to_memory();
  ASSERT_TRUE(bytes.ok());
  uint64_t header = 0;
  std::memcpy(&header, bytes->data(), 8);
  EXPECT_EQ((8 + header) % 8, 0u);  // data starts 8-aligned
  auto f = SafetensorsFile::parse(*bytes, "mem");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->metadata().at("format"), "pt");
  ASSERT_EQ(f->tensors().size(), 3u);
  const TensorInfo* ta = f->find("a");
  ASSERT_NE(ta, nullptr);
  EXPECT_EQ(ta->dtype, Dtype::kF32);
  EXPECT_EQ(ta->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ta->offset % 4, 0u);
  EXPECT_EQ(std::memcmp(ta->data, a.data(), 24), 0);
  EXPECT_EQ(f->find("b")->dtype, Dtype::kF8E4M3);
  EXPECT_EQ(f->find("b")->data[2], 3);
  EXPECT_EQ(f->find("c")->dtype, Dtype::kBF16);
}

TEST(SafetensorsReader, AnUnusedDtypeParsesAsOther) {
  auto f = SafetensorsFile::parse(raw_file(R"({"step":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", 16), "x");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->find("step")->dtype, Dtype::kOther);
  EXPECT_EQ(f->find("step")->dtype_name, "I64");
}

TEST(SafetensorsReader, TruncatedFileAndHeaderLength) {
  EXPECT_NE(parse_error({1, 0, 0}).find("shorter than the 8-byte header length"), std::string::npos);
  auto b = raw_file(R"({})", 0);
  b[0] = 200;  // header length 200 > file
  const std::string e = parse_error(b);
  EXPECT_NE(e.find("shard.safetensors: header length 200 runs past the end"), std::string::npos) << e;
}

TEST(SafetensorsReader, BadJson) {
  const std::string e = parse_error(raw_file(R"({"a": {"dtype": "F32", )", 0));
  EXPECT_NE(e.find("shard.safetensors: header is not a JSON object"), std::string::npos) << e;
  EXPECT_NE(parse_error(raw_file("[1,2]", 0)).find("not a JSON object"), std::string::npos);
}

TEST(SafetensorsReader, UnknownDtypeNamesTensorAndDtype) {
  const std::string e = parse_error(raw_file(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})", 2));
  EXPECT_NE(e.find("tensor 'w': unknown dtype 'Q4'"), std::string::npos) << e;
}

TEST(SafetensorsReader, ShapeMustMatchTheByteSpan) {
  const std::string e = parse_error(raw_file(R"({"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,10]}})", 10));
  EXPECT_NE(e.find("tensor 'w': shape [2, 3] of BF16 needs 12 bytes but data_offsets span 10"), std::string::npos) << e;
}

TEST(SafetensorsReader, OffsetsPastTheDataSectionNameTheByte) {
  const std::string h = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
  const std::string e = parse_error(raw_file(h, 16));
  EXPECT_NE(e.find("tensor 'w': data_offsets end 24 is past the 16-byte data section (byte " +
                   std::to_string(8 + h.size() + 8) + ")"),
            std::string::npos)
      << e;
}

TEST(SafetensorsReader, OverlapsAndReversedOffsets) {
  std::string e = parse_error(raw_file(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12));
  EXPECT_NE(e.find("tensor 'b' overlaps tensor 'a'"), std::string::npos) << e;
  e = parse_error(raw_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", 8));
  EXPECT_NE(e.find("tensor 'a': data_offsets [8, 0] are reversed"), std::string::npos) << e;
}

TEST(SafetensorsReader, MalformedEntries) {
  EXPECT_NE(parse_error(raw_file(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", 0)).find("tensor 'a': shape [-1]"),
            std::string::npos);
  EXPECT_NE(parse_error(raw_file(R"({"a":{"dtype":"F32","shape":[1]}})", 4)).find("tensor 'a': data_offsets is not a pair"),
            std::string::npos);
  EXPECT_NE(parse_error(raw_file(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", 4)).find("tensor 'a': no dtype"),
            std::string::npos);
  EXPECT_NE(parse_error(raw_file(R"({"__metadata__":{"k":1}})", 0)).find("__metadata__ value 'k' is not a string"),
            std::string::npos);
  EXPECT_NE(parse_error(raw_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4))
                .find("tensor 'a'"),
            std::string::npos);
}

}  // namespace
}  // namespace onboard::safetensors
