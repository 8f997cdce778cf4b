// Identifier detectors: known check-digit vectors, and recall / precision per detector on the
// labelled corpus eval/gateway/detectors.tsv (made by eval/gateway/make_corpus.py with its own
// check-digit code). The floors are what bench/RESULTS.md records, rounded down.
#include "gateway/text_detectors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace onboard::gateway {
namespace {

TEST(CheckDigits, KnownVectors) {
  // GB 11643 worked example, and the same with a wrong check character.
  EXPECT_TRUE(resident_id_valid("11010519491231002X"));
  EXPECT_TRUE(resident_id_valid("11010519491231002x"));
  EXPECT_FALSE(resident_id_valid("110105194912310021"));
  EXPECT_FALSE(resident_id_valid("11010519491331002X"));  // month 13 (and check recomputed below)
  // ISO 3779 / FMVSS 565 example VIN (check digit X), and one character changed.
  EXPECT_TRUE(vin_check_digit_valid("1M8GDM9AXKP042788"));
  EXPECT_FALSE(vin_check_digit_valid("1M8GDM9AXKP042789"));
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_TRUE(luhn_valid("6212262201023557228"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
}

std::set<std::string> kinds_found(const std::string& text) {
  std::set<std::string> out;
  for (const Finding& f : detect_identifiers(text)) out.insert(std::string(identifier_name(f.kind)));
  return out;
}

TEST(Detectors, SpansCoverTheIdentifierOnly) {
  const std::string text = "请打电话给13812345678，或者发邮件到 zhang.wei@163.com 谢谢";
  auto f = detect_identifiers(text);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(text.substr(f[0].begin, f[0].end - f[0].begin), "13812345678");
  EXPECT_EQ(f[0].kind, Identifier::kPhoneCn);
  EXPECT_EQ(text.substr(f[1].begin, f[1].end - f[1].begin), "zhang.wei@163.com");
}

TEST(Detectors, NearMissesAreNotIdentifiers) {
  EXPECT_TRUE(kinds_found("订单号 20261123000012345678").empty());
  EXPECT_TRUE(kinds_found("timestamp 1763856000.123456").empty());
  EXPECT_TRUE(kinds_found("身份证 110105194912310021").empty());  // wrong check digit
  EXPECT_TRUE(kinds_found("card 4111111111111112").empty());      // fails Luhn
  EXPECT_TRUE(kinds_found("we are near 31.23, 121.47").empty());  // coarse: 2 decimals
  EXPECT_EQ(kinds_found("plate 沪AD12345 and 粤B12345D"), (std::set<std::string>{"PLATE"}));
  EXPECT_EQ(kinds_found("at 31.230416, 121.473701"), (std::set<std::string>{"COORDINATES"}));
}

TEST(DetectorCorpus, RecallAndPrecisionPerDetector) {
  std::ifstream in(std::string(ONBOARD_SOURCE_DIR) + "/eval/gateway/detectors.tsv");
  ASSERT_TRUE(in) << "eval/gateway/detectors.tsv missing";
  std::map<std::string, int> tp, fp, fn;
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::set<std::string> want;
    std::stringstream labels(line.substr(0, tab));
    for (std::string l; std::getline(labels, l, ',');)
      if (l != "-") want.insert(l);
    const auto got = kinds_found(line.substr(tab + 1));
    for (const auto& k : got) (want.count(k) ? tp : fp)[k]++;
    for (const auto& k : want)
      if (!got.count(k)) {
        fn[k]++;
        std::printf("missed %s: %s\n", k.c_str(), line.substr(tab + 1).c_str());
      }
    for (const auto& k : got)
      if (!want.count(k)) std::printf("false %s: %s\n", k.c_str(), line.substr(tab + 1).c_str());
    ++lines;
  }
  EXPECT_GE(lines, 500);
  std::printf("| detector | positives | recall | precision |\n| --- | ---: | ---: | ---: |\n");
  for (size_t i = 0; i < static_cast<size_t>(Identifier::kCount); ++i) {
    const std::string k(identifier_name(static_cast<Identifier>(i)));
    const int pos = tp[k] + fn[k];
    const double recall = pos ? static_cast<double>(tp[k]) / pos : 0;
    const double precision = tp[k] + fp[k] ? static_cast<double>(tp[k]) / (tp[k] + fp[k]) : 0;
    std::printf("| %s | %d | %.3f | %.3f |\n", k.c_str(), pos, recall, precision);
    EXPECT_GE(pos, 30) << k;
    EXPECT_GE(recall, 0.95) << k;
    EXPECT_GE(precision, 0.95) << k;
  }
}

}  // namespace
}  // namespace onboard::gateway
