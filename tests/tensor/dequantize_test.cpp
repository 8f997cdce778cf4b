// Dequantization against gguf-py's reference values (shared/fixtures/quant), and exhaustive
// fp16 / bf16 conversion checks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tensor/block_layouts.h"
#include "tensor/dequantize.h"
#include "tensor/ggml_type.h"
#include "tensor/half.h"

namespace onboard {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::string kQuantDir = std::string(ONBOARD_FIXTURES_DIR) + "/quant/";

// Absolute file offsets of each tensor's data, from a minimal walk of the GGUF v3 header
// (this test must not depend on the engine's GGUF reader). The fixture index's
// `data_offset_in_gguf` is not used: in this fixture revision it counts the data-section
// start twice (it is 896 bytes past the real data, and past the end of the file for IQ4_XS).
struct TensorLocation {
  std::string name;
  uint32_t type_id = 0;
  size_t offset = 0;
};

class HeaderWalker {
 public:
  explicit HeaderWalker(const std::vector<uint8_t>& b) : b_(b) {}
  template <typename T>
  T get() {
    T v{};
    if (pos_ + sizeof(T) > b_.size()) { ok_ = false; return v; }
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    const auto n = get<uint64_t>();
    if (!ok_ || pos_ + n > b_.size()) { ok_ = false; return {}; }
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  void skip_value(uint32_t t) {
    static const size_t kScalar[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    if (t == 8) { str(); return; }
    if (t == 9) {
      const auto et = get<uint32_t>();
      const auto n = get<uint64_t>();
      for (uint64_t i = 0; i < n && ok_; ++i) skip_value(et);
      return;
    }
    if (t > 12) { ok_ = false; return; }
    pos_ += kScalar[t];
  }
  size_t pos() const { return pos_; }
  bool ok() const { return ok_ && pos_ <= b_.size(); }

 private:
  const std::vector<uint8_t>& b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::vector<TensorLocation> locate_tensors(const std::vector<uint8_t>& file) {
  HeaderWalker w(file);
  EXPECT_EQ(w.get<uint32_t>(), 0x46554747u);  // "GGUF"
  EXPECT_EQ(w.get<uint32_t>(), 3u);
  const auto n_tensors = w.get<uint64_t>();
  const auto n_kv = w.get<uint64_t>();
  for (uint64_t i = 0; i < n_kv && w.ok(); ++i) {
    w.str();
    w.skip_value(w.get<uint32_t>());
  }
  std::vector<TensorLocation> out;
  for (uint64_t i = 0; i < n_tensors && w.ok(); ++i) {
    TensorLocation t;
    t.name = w.str();
    const auto n_dims = w.get<uint32_t>();
    for (uint32_t d = 0; d < n_dims; ++d) w.get<uint64_t>();
    t.type_id = w.get<uint32_t>();
    t.offset = w.get<uint64_t>();
    out.push_back(t);
  }
  EXPECT_TRUE(w.ok());
  const size_t data_start = (w.pos() + 31) / 32 * 32;  // general.alignment is absent: 32
  for (auto& t : out) t.offset += data_start;
  return out;
}

TEST(BlockLayouts, SizesMatchTypeTable) {
  EXPECT_EQ(sizeof(BlockQ4_0), traits(GgmlType::Q4_0).type_size);
  EXPECT_EQ(sizeof(BlockQ4_1), traits(GgmlType::Q4_1).type_size);
  EXPECT_EQ(sizeof(BlockQ5_0), traits(GgmlType::Q5_0).type_size);
  EXPECT_EQ(sizeof(BlockQ5_1), traits(GgmlType::Q5_1).type_size);
  EXPECT_EQ(sizeof(BlockQ8_0), traits(GgmlType::Q8_0).type_size);
  EXPECT_EQ(sizeof(BlockIQ4NL), traits(GgmlType::IQ4_NL).type_size);
  EXPECT_EQ(sizeof(BlockQ2K), traits(GgmlType::Q2_K).type_size);
  EXPECT_EQ(sizeof(BlockQ3K), traits(GgmlType::Q3_K).type_size);
  EXPECT_EQ(sizeof(BlockQ4K), traits(GgmlType::Q4_K).type_size);
  EXPECT_EQ(sizeof(BlockQ5K), traits(GgmlType::Q5_K).type_size);
  EXPECT_EQ(sizeof(BlockQ6K), traits(GgmlType::Q6_K).type_size);
  EXPECT_EQ(sizeof(BlockIQ4XS), traits(GgmlType::IQ4_XS).type_size);
  EXPECT_EQ(sizeof(BlockQ8K), traits(GgmlType::Q8_K).type_size);
}

TEST(Dequantize, MatchesGgufPyFixture) {
  const std::vector<uint8_t> gguf = read_file(kQuantDir + "quant-blocks.gguf");
  const std::vector<uint8_t> f32 = read_file(kQuantDir + "quant-blocks.f32");
  std::ifstream index_in(kQuantDir + "quant-blocks.expected.json");
  ASSERT_TRUE(index_in.good());
  const nlohmann::json index = nlohmann::json::parse(index_in);
  const auto& tensors = index.at("tensors");
  ASSERT_EQ(tensors.size(), 14u);
  const std::vector<TensorLocation> locations = locate_tensors(gguf);
  ASSERT_EQ(locations.size(), 14u);

  for (const auto& t : tensors) {
    const std::string name = t.at("type").get<std::string>();
    SCOPED_TRACE(name);
    const auto type = type_from_name(name);
    ASSERT_TRUE(type.has_value());
    ASSERT_EQ(static_cast<uint32_t>(*type), t.at("type_id").get<uint32_t>());
    ASSERT_TRUE(traits(*type).can_compute);
    const int64_t cols = t.at("ne")[0].get<int64_t>();
    const int64_t rows = t.at("ne")[1].get<int64_t>();
    size_t data_offset = 0;
    bool found = false;
    for (const auto& loc : locations) {
      if (loc.name == t.at("name").get<std::string>()) {
        EXPECT_EQ(loc.type_id, t.at("type_id").get<uint32_t>());
        data_offset = loc.offset;
        found = true;
      }
    }
    ASSERT_TRUE(found);
    const size_t f32_offset = t.at("f32_offset_bytes").get<size_t>();
    const size_t bytes_per_row = row_bytes(*type, cols);
    ASSERT_EQ(bytes_per_row * static_cast<size_t>(rows), t.at("n_bytes").get<size_t>());
    ASSERT_LE(data_offset + bytes_per_row * rows, gguf.size());
    ASSERT_LE(f32_offset + sizeof(float) * cols * rows, f32.size());

    const bool exact = name == "F16" || name == "BF16" || name == "Q4_0" || name == "Q5_0" ||
                       name == "Q8_0" || name == "IQ4_NL";
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<float> got(cols), want(cols);
      dequantize_row(*type, gguf.data() + data_offset + r * bytes_per_row, got.data(), cols);
      std::memcpy(want.data(), f32.data() + f32_offset + sizeof(float) * cols * r, sizeof(float) * cols);
      float row_max = 0;
      for (float v : want) row_max = std::max(row_max, std::fabs(v));
      int mismatches = 0;
      for (int64_t c = 0; c < cols && mismatches < 5; ++c) {
        bool ok;
        if (exact) {
          ok = float_bits(got[c]) == float_bits(want[c]);
        } else {
          ok = std::fabs(got[c] - want[c]) <= 1e-6f * (std::fabs(want[c]) + row_max);
        }
        if (!ok) {
          ++mismatches;
          ADD_FAILURE() << name << " row " << r << " col " << c << ": got " << got[c] << " want " << want[c];
        }
      }
    }
  }
}

TEST(Half, Fp16RoundTripsAllBitPatterns) {
  for (uint32_t u = 0; u < 65536; ++u) {
    const auto h = static_cast<uint16_t>(u);
    const float f = fp16_to_f32(h);
    const uint16_t back = f32_to_fp16(f);
    const bool is_nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
    if (is_nan) {
      EXPECT_TRUE(std::isnan(f)) << std::hex << u;
      EXPECT_EQ(back & 0x7C00, 0x7C00) << std::hex << u;
      EXPECT_NE(back & 0x3FF, 0) << std::hex << u;
    } else {
      EXPECT_EQ(back, h) << std::hex << u;
    }
  }
}

TEST(Half, Fp16KnownValues) {
  EXPECT_EQ(fp16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(fp16_to_f32(0xC000), -2.0f);
  EXPECT_EQ(fp16_to_f32(0x7BFF), 65504.0f);
  EXPECT_EQ(fp16_to_f32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(fp16_to_f32(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_TRUE(std::isinf(fp16_to_f32(0xFC00)) && fp16_to_f32(0xFC00) < 0);
  EXPECT_EQ(float_bits(fp16_to_f32(0x8000)), 0x80000000u);
  // Rounding: ties go to even; overflow saturates to infinity at 65520.
  EXPECT_EQ(f32_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3C00);          // tie → even (down)
  EXPECT_EQ(f32_to_fp16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);      // tie → even (up)
  EXPECT_EQ(f32_to_fp16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3C01);
  EXPECT_EQ(f32_to_fp16(65519.0f), 0x7BFF);
  EXPECT_EQ(f32_to_fp16(65520.0f), 0x7C00);
  EXPECT_EQ(f32_to_fp16(-1e10f), 0xFC00);
  EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);                  // tie → even (zero)
  EXPECT_EQ(f32_to_fp16(std::ldexp(3.0f, -25)), 0x0002);                  // 1.5 ulp → 2
  EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -26)), 0x0000);
  EXPECT_EQ(f32_to_fp16(std::ldexp(1023.5f, -24)), 0x0400);               // rounds up into normals
  EXPECT_EQ(f32_to_fp16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_fp16(1e-30f), 0x0000);
}

TEST(Half, Fp16MatchesDoubleRoundingOnManyFloats) {
  // Compare against a slow reference: the nearest half by exhaustive comparison of neighbours.
  uint32_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1664525u + 1013904223u;
    const float f = std::ldexp(static_cast<float>(state >> 8) / 16777216.0f, static_cast<int>(state % 44) - 30);
    const uint16_t h = f32_to_fp16(f);
    const double got = fp16_to_f32(h);
    if (std::isinf(got)) {
      EXPECT_GE(f, 65520.0f);
      continue;
    }
    const double below = fp16_to_f32(static_cast<uint16_t>(h - (h > 0 ? 1 : 0)));
    const double above = fp16_to_f32(static_cast<uint16_t>(h + 1));
    EXPECT_LE(std::fabs(got - f), std::fabs(below - f)) << f;
    EXPECT_LE(std::fabs(got - f), std::fabs(above - f)) << f;
  }
}

TEST(Half, Bf16RoundTripsAllBitPatterns) {
  for (uint32_t u = 0; u < 65536; ++u) {
    const auto b = static_cast<uint16_t>(u);
    const float f = bf16_to_f32(b);
    const uint16_t back = f32_to_bf16(f);
    const bool is_nan = (b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0;
    if (is_nan) {
      EXPECT_TRUE(std::isnan(bf16_to_f32(back))) << std::hex << u;
    } else {
      EXPECT_EQ(back, b) << std::hex << u;
    }
  }
}

TEST(Half, Bf16Rounding) {
  EXPECT_EQ(f32_to_bf16(bits_float(0x3F808000u)), 0x3F80);  // tie → even (down)
  EXPECT_EQ(f32_to_bf16(bits_float(0x3F818000u)), 0x3F82);  // tie → even (up)
  EXPECT_EQ(f32_to_bf16(bits_float(0x3F808001u)), 0x3F81);
  EXPECT_EQ(f32_to_bf16(bits_float(0x7F7FFFFFu)), 0x7F80);  // FLT_MAX rounds to inf
  const uint16_t qnan = f32_to_bf16(bits_float(0x7F800001u));  // signalling NaN with a low payload
  EXPECT_TRUE(std::isnan(bf16_to_f32(qnan)));
  EXPECT_NE(qnan & 0x40, 0);
}

}  // namespace
}  // namespace onboard
