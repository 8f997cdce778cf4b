// JSON Schema -> grammar, per keyword: every instance of json_schema_cases.json driven through
// the compiled grammar on its tokens (the R1-Distill-Qwen vocabulary) must be accepted exactly
// when it is labelled valid; ajv_verdicts.test.mjs checks the same labels with ajv. Refused
// schemas must fail with an error naming the keyword.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grammar_test_util.h"
#include "runtime/grammar/json_schema_grammar.h"
#include "runtime/grammar/json_schema_integer_range.h"
#include "runtime/grammar/json_schema_number_range.h"
#include "runtime/grammar/token_constraint.h"

namespace onboard::runtime::grammar {
namespace {

using json = nlohmann::ordered_json;

const json& cases() {
  static const json j = [] {
    std::ifstream f(std::string(ONBOARD_SOURCE_DIR) + "/tests/grammar/json_schema_cases.json");
    std::stringstream ss;
    ss << f.rdbuf();
    return json::parse(ss.str());
  }();
  return j;
}

// The instance's text tokenized as the model would write it, fed token by token; then the end.
bool accepts_tokens(const std::shared_ptr<const Grammar>& g, const std::string& text) {
  TokenConstraint tc(g, testing::qwen_trie());
  for (int32_t id : testing::qwen_tokenizer().encode(text, {.add_bos = false, .parse_special = false}))
    if (!tc.accept_token(id)) return false;
  return tc.accept_token(testing::qwen_tokenizer().eos_id());
}

TEST(JsonSchemaGrammar, EveryKeywordAcceptsTheValidAndRejectsTheInvalid) {
  int checked = 0;
  for (const auto& c : cases()["cases"]) {
    const std::string name = c["name"].get<std::string>();
    auto gbnf = json_schema_to_gbnf(c["schema"]);
    ASSERT_TRUE(gbnf.ok()) << name << ": " << gbnf.error().message;
    auto g = testing::compile(*gbnf);
    ASSERT_TRUE(g) << name;
    for (const auto& v : c["valid"]) {
      EXPECT_TRUE(accepts_tokens(g, v.dump())) << name << ": should accept " << v.dump() << "\n" << *gbnf;
      ++checked;
    }
    for (const auto& v : c["invalid"]) {
      EXPECT_FALSE(accepts_tokens(g, v.dump())) << name << ": should reject " << v.dump() << "\n" << *gbnf;
      ++checked;
    }
  }
  EXPECT_GT(checked, 150);
}

TEST(JsonSchemaGrammar, MaskAllowsEachTokenOfAValidInstance) {
  // The mask (not only accept) along one instance of a nested schema.
  json schema;
  for (const auto& c : cases()["cases"])
    if (c["name"] == "$defs recursion") schema = c["schema"];
  ASSERT_FALSE(schema.is_null());
  auto g = testing::compile(*json_schema_to_gbnf(schema));
  TokenConstraint tc(g, testing::qwen_trie());
  const std::string text = R"({"v":1,"kids":[{"v":-2},{"v":3,"kids":[]}]})";
  for (int32_t id : testing::qwen_tokenizer().encode(text, {.add_bos = false})) {
    ASSERT_TRUE(tc.allowed(id)) << testing::qwen_trie()->piece(id);
    ASSERT_TRUE(tc.accept_token(id));
  }
  EXPECT_TRUE(tc.allowed(testing::qwen_tokenizer().eos_id()));
}

TEST(IntegerRange, AcceptsExactlyTheIntegersInRange) {
  const std::vector<std::pair<std::optional<int64_t>, std::optional<int64_t>>> ranges = {
      {-15, 130}, {0, 0}, {7, 7}, {-1000, -999}, {1234, 98765}, {-5, 5}, {90, 110}, {std::nullopt, -3}, {42, std::nullopt},
      {-2500, 100}, {100, 999}, {101, 998}};
  for (auto [lo, hi] : ranges) {
    auto g = testing::compile("root ::= " + integer_range_gbnf(lo, hi));
    ASSERT_TRUE(g);
    const int64_t from = lo ? *lo - 1200 : -120000, to = hi ? *hi + 1200 : 120000;
    for (int64_t v = from; v <= to; v += (to - from > 20000 ? 7 : 1)) {
      const bool in = (!lo || v >= *lo) && (!hi || v <= *hi);
      ASSERT_EQ(testing::matches(g, std::to_string(v)), in) << v << " in [" << lo.value_or(-1) << "," << hi.value_or(-1) << "]";
    }
    // No leading zeros, no "-0".
    EXPECT_FALSE(testing::matches(g, "-0"));
    if (!lo || *lo <= 7) {
      EXPECT_FALSE(testing::matches(g, "07"));
    }
  }
}

// Every decimal with up to 3 fraction digits in a window around the bounds: accepted exactly when
// it lies in the interval (compared in thousandths, exact), in each form JSON allows without an
// exponent ("5", "5.0", "5.50").
TEST(NumberRange, AcceptsExactlyTheDecimalsInRange) {
  struct Case {
    std::optional<NumberBound> lo, hi;
  };
  const std::vector<Case> cases = {
      {NumberBound{16.5, false}, NumberBound{28, false}}, {NumberBound{-1.5, true}, NumberBound{0, true}},
      {std::nullopt, NumberBound{-2.75, false}},          {NumberBound{0.125, true}, std::nullopt},
      {NumberBound{3.25, false}, NumberBound{3.75, true}}, {NumberBound{-0.5, false}, NumberBound{0.5, false}},
      {NumberBound{7, false}, NumberBound{7, false}},      {NumberBound{-12.04, false}, NumberBound{-11.9, true}},
      {NumberBound{0, false}, NumberBound{100, false}},    {NumberBound{2.1, true}, NumberBound{2.105, false}}};
  for (const Case& c : cases) {
    auto gbnf = number_range_gbnf(c.lo, c.hi);
    ASSERT_TRUE(gbnf.ok()) << gbnf.error().message;
    auto g = testing::compile("root ::= " + *gbnf);
    ASSERT_TRUE(g);
    const auto milli = [](double v) { return static_cast<int64_t>(std::llround(v * 1000)); };
    const int64_t from = (c.lo ? milli(c.lo->value) : milli(c.hi->value) - 20000) - 2500;
    const int64_t to = (c.hi ? milli(c.hi->value) : milli(c.lo->value) + 20000) + 2500;
    for (int64_t m = from; m <= to; ++m) {
      const bool in = (!c.lo || (c.lo->exclusive ? m > milli(c.lo->value) : m >= milli(c.lo->value))) &&
                      (!c.hi || (c.hi->exclusive ? m < milli(c.hi->value) : m <= milli(c.hi->value)));
      const int64_t a = m < 0 ? -m : m;
      const std::string sign = m < 0 ? "-" : "", whole = std::to_string(a / 1000);
      char frac[8];
      std::snprintf(frac, sizeof frac, "%03d", static_cast<int>(a % 1000));
      std::string f = frac;
      while (!f.empty() && f.back() == '0') f.pop_back();
      std::vector<std::string> forms = {sign + whole + "." + frac};
      forms.push_back(f.empty() ? sign + whole : sign + whole + "." + f);
      if (f.empty()) forms.push_back(sign + whole + ".0");
      for (const std::string& text : forms) {
        if (text == "-0" || text.rfind("-0.000", 0) == 0 || text == "-0.0") continue;  // -0 is 0: either verdict is valid JSON
        ASSERT_EQ(testing::matches(g, text), in) << text << " against " << *gbnf;
      }
    }
    EXPECT_FALSE(testing::matches(g, "1e1"));  // no exponents: every sentence is compared digit by digit
  }
  EXPECT_FALSE(number_range_gbnf(NumberBound{2, false}, NumberBound{1, false}).ok());
  EXPECT_FALSE(number_range_gbnf(NumberBound{1, true}, NumberBound{1, false}).ok());
}

TEST(JsonSchemaGrammar, UnsupportedOrUnsatisfiableSchemasAreRefusedNamingTheKeyword) {
  for (const auto& c : cases()["refused"]) {
    auto gbnf = json_schema_to_gbnf(c["schema"]);
    ASSERT_FALSE(gbnf.ok()) << c["schema"].dump();
    EXPECT_NE(gbnf.error().message.find(c["error"].get<std::string>()), std::string::npos)
        << c["schema"].dump() << " -> " << gbnf.error().message;
  }
}

TEST(JsonSchemaGrammar, NotStrictListsWhatIsNotEnforced) {
  for (const auto& c : cases()["not_strict"]) {
    std::vector<std::string> not_enforced;
    auto gbnf = json_schema_to_gbnf(c["schema"], {.strict = false}, &not_enforced);
    ASSERT_TRUE(gbnf.ok()) << gbnf.error().message;
    ASSERT_EQ(not_enforced.size(), 1u);
    EXPECT_NE(not_enforced[0].find(c["not_enforced"].get<std::string>()), std::string::npos) << not_enforced[0];
    auto g = testing::compile(*gbnf);
    for (const auto& v : c["valid"]) EXPECT_TRUE(accepts_tokens(g, v.dump()));
  }
}

}  // namespace
}  // namespace onboard::runtime::grammar
