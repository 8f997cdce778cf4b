// The SIMD K-quant scale searches against the reference ones: every block of Q3_K, Q4_K, Q5_K
// and Q6_K must come out byte for byte the same, on rows built to reach every branch of the
// searches (flat and all-zero sub-blocks, one outlier, tiny and huge magnitudes, all negative).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/quantize_row.h"
#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/kquant_search_x86.h"
#endif
#include "tensor/quantize.h"
#include "tensor/quantize_formats.h"

namespace onboard::kernels {
namespace {

#if defined(__x86_64__) || defined(__i386__)
bool has_avx2() {
  for (Isa isa : available_isas())
    if (isa != Isa::kGeneric) return true;
  return false;
}
#endif

// Rows of 1024 values (4 super-blocks); each case fills them its own way.
std::vector<std::vector<float>> test_rows() {
  std::mt19937 gen(1234);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  std::vector<std::vector<float>> rows;
  auto row = [&](auto&& value) {
    std::vector<float> r(1024);
    for (size_t i = 0; i < r.size(); ++i) r[i] = value(i);
    rows.push_back(std::move(r));
  };
  for (int k = 0; k < 40; ++k) row([&](size_t) { return normal(gen) * 0.02f; });  // weight-like
  for (int k = 0; k < 10; ++k) row([&](size_t) { return uniform(gen); });
  row([&](size_t) { return 0.f; });                                                   // all zero
  row([&](size_t i) { return (i / 16) % 3 == 0 ? 0.f : normal(gen); });             // zero sub-blocks
  row([&](size_t i) { return (i / 32) % 2 ? 0.5f : -0.25f; });                       // flat sub-blocks
  row([&](size_t) { return -std::fabs(normal(gen)); });                               // all negative
  row([&](size_t) { return std::fabs(normal(gen)) + 3.f; });                          // all positive, offset
  row([&](size_t i) { return i % 37 == 0 ? 50.f : normal(gen) * 0.01f; });          // outliers
  row([&](size_t) { return normal(gen) * 1e-20f; });                                  // below the tiny-group limit
  row([&](size_t) { return normal(gen) * 1e-12f; });                                  // tiny but searched
  row([&](size_t) { return normal(gen) * 1e4f; });                                    // large
  row([&](size_t i) { return static_cast<float>(static_cast<int>(i % 16) - 8); });   // exact integers (ties)
  row([&](size_t i) { return i % 2 ? 1e-39f : -1e-39f; });                            // denormals
  return rows;
}

#if defined(__x86_64__) || defined(__i386__)  // the SIMD search exists for x86 only
TEST(KQuantSearch, SimdBlocksEqualTheReference) {
  if (!has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const quant::KQuantSearch& simd = x86::kquant_search_avx2();
  int compared = 0;
  for (const auto& r : test_rows()) {
    const int64_t n = static_cast<int64_t>(r.size());
    for (GgmlType type : {GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
      std::vector<uint8_t> ref(row_bytes(type, n)), fast(row_bytes(type, n), 0xAB);
      onboard::quantize_row(type, r.data(), ref.data(), n);
      switch (type) {
        case GgmlType::Q3_K: quant::quantize_q3_k(r.data(), reinterpret_cast<BlockQ3K*>(fast.data()), n, simd); break;
        case GgmlType::Q4_K: quant::quantize_q4_k(r.data(), reinterpret_cast<BlockQ4K*>(fast.data()), n, simd); break;
        case GgmlType::Q5_K: quant::quantize_q5_k(r.data(), reinterpret_cast<BlockQ5K*>(fast.data()), n, simd); break;
        default: quant::quantize_q6_k(r.data(), reinterpret_cast<BlockQ6K*>(fast.data()), n, simd); break;
      }
      ASSERT_EQ(ref, fast) << traits(type).name << " differs on test row " << compared / 4 << " (first value " << r[0]
                           << ")";
      ++compared;
    }
  }
  EXPECT_EQ(compared, 61 * 4);
}
#endif

TEST(KQuantSearch, DispatchedRowEqualsTheReferenceForEveryWritableType) {
  const auto rows = test_rows();
  for (GgmlType type : {GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q2_K,
                        GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_XS}) {
    for (size_t k = 0; k < rows.size(); k += 7) {
      const int64_t n = static_cast<int64_t>(rows[k].size());
      std::vector<uint8_t> ref(row_bytes(type, n)), fast(row_bytes(type, n));
      EXPECT_EQ(onboard::quantize_row(type, rows[k].data(), ref.data(), n), ref.size());
      EXPECT_EQ(kernels::quantize_row(type, rows[k].data(), fast.data(), n), fast.size());
      ASSERT_EQ(ref, fast) << traits(type).name << " row " << k;
    }
  }
}

}  // namespace
}  // namespace onboard::kernels
