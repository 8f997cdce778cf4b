#include "gateway/text_detectors.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace onboard::gateway {
namespace {

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};
using CodePtr = std::unique_ptr<pcre2_code, CodeDeleter>;

// The candidate patterns. Digit runs are fenced by lookarounds so a number inside a longer
// number (an order number, a timestamp) is not a candidate.
constexpr const char* kPatterns[] = {
    // PHONE_CN: optional +86 / 0086, 1[3-9]x xxxx xxxx with optional separators.
    R"((?<![A-Za-z\d+])(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![A-Za-z\d]))",
    // PHONE_INTL: +CC then 7-14 more digits in groups (validated: 8-15 digits, CC not 86).
    R"((?<![\w+])\+[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,6}(?!\d))",
    // RESIDENT_ID
    R"((?<![\dA-Za-z])[1-8]\d{16}[\dXx](?![\dA-Za-z]))",
    // PASSPORT: PRC ordinary passports (E/G + 8 digits, E + letter + 7 digits), or any 6-9
    // character number right after the word passport / 护照.
    R"((?<![A-Za-z\d])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7})(?![A-Za-z\d])|(?i:passport|护照)(?:\s*(?:no\.?|number|号码?|号))?\s*[:：#]?\s*\K[A-Z]{1,2}\d{6,8}(?![A-Za-z\d]))",
    // PLATE: province + city letter + 5 (ordinary) or 6 (new energy: D/F first or last).
    R"((?<![A-Za-z\d])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s]?(?:[DF][A-HJ-NP-Z\d]\d{4}|\d{5}[DF]|[A-HJ-NP-Z\d]{4}[A-HJ-NP-Z\d挂学警港澳])(?![A-Za-z\d]))",
    // VIN: 17 characters of the VIN alphabet (no I, O, Q).
    R"((?<![A-Za-z\d])[A-HJ-NPR-Z\d]{17}(?![A-Za-z\d]))",
    // EMAIL
    R"((?<![A-Za-z\d_.%+-])[A-Za-z\d][\w.%+-]{0,63}@[A-Za-z\d](?:[A-Za-z\d-]{0,62}[A-Za-z\d])?(?:\.[A-Za-z\d](?:[A-Za-z\d-]{0,62}[A-Za-z\d])?)*\.[A-Za-z]{2,24}(?![A-Za-z\d_-]))",
    // BANK_CARD: 13-19 digits, optionally in groups of 4 separated by one space or dash.
    R"((?<![A-Za-z\d.-])(?:\d{4}[ -]){3,4}\d{1,4}(?![A-Za-z\d-])|(?<![A-Za-z\d.-])\d{13,19}(?![A-Za-z\d-]))",
    // COORDINATES: a lat,lon pair with at least 4 decimals each (about 10 m), optional
    // degree signs and hemisphere letters.
    R"((?<![\d.])-?\d{1,2}\.\d{4,}\s*°?\s*[NSns]?\s*[,，/;\s]\s*-?\d{1,3}\.\d{4,}\s*°?\s*[EWew]?(?![\d.]))",
    // ADDRESS: zh "...路/街/大道 N 号 [N 室]" with optional province/city/district before it;
    // en "N Name Street" with the usual suffixes.
    R"((?:\p{Han}{1,12}?(?:省|市|区|县|镇|乡))*\p{Han}[\p{Han}\d]{0,11}(?:路|街|大街|大道|巷|弄|胡同)\d{1,5}(?:号|弄)(?:(?:\d{1,4}|\p{Han})(?:号楼|栋|幢|单元|楼|室|层))*|(?<![A-Za-z\d])\d{1,5}\s+(?:[A-Z][a-z]+\.?\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Parkway)\b\.?(?:,?\s*(?:Apt|Suite|Unit)\.?\s*\d+\w?)?)",
};
static_assert(std::size(kPatterns) == static_cast<size_t>(Identifier::kCount));

const std::array<CodePtr, static_cast<size_t>(Identifier::kCount)>& compiled() {
  static const auto codes = [] {
    std::array<CodePtr, static_cast<size_t>(Identifier::kCount)> out;
    for (size_t i = 0; i < out.size(); ++i) {
      int err = 0;
      PCRE2_SIZE off = 0;
      pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(kPatterns[i]), PCRE2_ZERO_TERMINATED,
                                    PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &off, nullptr);
      // The patterns are constants of this file: a compile failure is a bug caught by every test.
      if (!c) std::abort();
      pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
      out[i].reset(c);
    }
    return out;
  }();
  return codes;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c))) d += c;
  return d;
}

bool phone_intl_valid(std::string_view s) {
  const std::string d = digits_of(s);
  if (d.size() < 8 || d.size() > 15) return false;
  return d.rfind("86", 0) != 0;  // +86 numbers are PHONE_CN's
}

bool bank_card_valid(std::string_view s) {
  const std::string d = digits_of(s);
  if (d.size() < 13 || d.size() > 19) return false;
  // Issuer prefixes of the networks cars meet: UnionPay 62/81, Visa 4, Mastercard 2/5,
  // Amex/JCB/Diners 3, Discover 6. A Luhn-valid number with another first digit is not a card.
  if (d[0] != '2' && d[0] != '3' && d[0] != '4' && d[0] != '5' && d[0] != '6' && d[0] != '8') return false;
  return luhn_valid(d);
}

bool coordinates_valid(std::string_view s) {
  // The first number is a latitude, the second a longitude.
  double v[2] = {0, 0};
  int n = 0;
  size_t i = 0;
  while (i < s.size() && n < 2) {
    if (s[i] == '-' || std::isdigit(static_cast<unsigned char>(s[i]))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      v[n++] = std::strtod(std::string(s.substr(i, j - i)).c_str(), nullptr);
      i = j;
    } else {
      ++i;
    }
  }
  return n == 2 && v[0] >= -90 && v[0] <= 90 && v[1] >= -180 && v[1] <= 180;
}

bool vin_valid(std::string_view text, size_t begin, std::string_view vin) {
  bool letter = false, digit = false;
  for (char c : vin) (std::isdigit(static_cast<unsigned char>(c)) ? digit : letter) = true;
  if (!letter || !digit) return false;
  if (vin_check_digit_valid(vin)) return true;
  // Europe does not mandate the check digit: accept such a VIN when the text names it.
  const std::string_view before = text.substr(begin >= 24 ? begin - 24 : 0, begin >= 24 ? 24 : begin);
  std::string lower(before);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("vin") != std::string::npos || lower.find("车架号") != std::string::npos ||
         lower.find("识别码") != std::string::npos;
}

bool valid(Identifier k, std::string_view text, size_t begin, std::string_view m) {
  switch (k) {
    case Identifier::kPhoneIntl: return phone_intl_valid(m);
    case Identifier::kResidentId: return resident_id_valid(m);
    case Identifier::kVin: return vin_valid(text, begin, m);
    case Identifier::kBankCard: return bank_card_valid(m);
    case Identifier::kCoordinates: return coordinates_valid(m);
    default: return true;
  }
}

}  // namespace

std::string_view identifier_name(Identifier k) {
  static constexpr std::string_view names[] = {"PHONE_CN", "PHONE_INTL", "RESIDENT_ID", "PASSPORT",    "PLATE",
                                               "VIN",      "EMAIL",      "BANK_CARD",   "COORDINATES", "ADDRESS"};
  return names[static_cast<size_t>(k)];
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!std::isdigit(static_cast<unsigned char>(digits[i]))) return false;
    int d = digits[i] - '0';
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool resident_id_valid(std::string_view id) {
  if (id.size() != 18) return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  const char check = static_cast<char>(std::toupper(static_cast<unsigned char>(id[17])));
  if (check != kCheck[sum % 11]) return false;
  // Birth date YYYYMMDD at 6..13: a plausible calendar date.
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(id.substr(at, n))); };
  const int y = num(6, 4), m = num(10, 2), d = num(12, 2);
  static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

bool vin_check_digit_valid(std::string_view vin) {
  if (vin.size() != 17) return false;
  static constexpr int kWeights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    // ISO 3779 transliteration: A-H 1-8, J-R 1-9 (no O, Q), S-Z 2-9.
    static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static constexpr int kValues[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
    const size_t i = kLetters.find(c);
    return i == std::string_view::npos ? -1 : kValues[i];
  };
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = value(vin[i]);
    if (v < 0) return false;
    sum += v * kWeights[i];
  }
  const int r = sum % 11;
  return vin[8] == (r == 10 ? 'X' : static_cast<char>('0' + r));
}

std::vector<Finding> detect_identifiers(std::string_view text) {
  std::vector<Finding> all;
  const auto& codes = compiled();
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(pcre2_match_data_create(4, nullptr));
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  for (size_t k = 0; k < codes.size(); ++k) {
    PCRE2_SIZE start = 0;
    while (start <= text.size()) {
      const int rc = pcre2_match(codes[k].get(), subject, text.size(), start, 0, md.get(), nullptr);
      if (rc < 0) break;  // no match, or invalid UTF-8 from here on (nothing more to find)
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
      const size_t b = ov[0], e = ov[1];
      if (e <= b) {  // \K or an empty match: step one byte to keep going
        start = b + 1;
        continue;
      }
      const auto kind = static_cast<Identifier>(k);
      if (valid(kind, text, b, text.substr(b, e - b))) all.push_back({kind, b, e});
      start = e;
    }
  }
  // Overlaps: the earlier kind in the enum (stricter validation) keeps its span.
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) { return a.kind < b.kind; });
  std::vector<Finding> kept;
  for (const Finding& f : all) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Finding& g) { return f.begin < g.end && g.begin < f.end; });
    if (!overlaps) kept.push_back(f);
  }
  std::sort(kept.begin(), kept.end(), [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
  return kept;
}

}  // namespace onboard::gateway
