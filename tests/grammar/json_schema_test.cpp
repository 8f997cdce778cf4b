// JSON Schema -> grammar, per keyword: every instance of json_schema_cases.json driven through
// the compiled grammar on its tokens (the R1-Distill-Qwen vocabulary) must be accepted exactly
// when it is labelled valid; ajv_verdicts.test.mjs checks the same labels with ajv. Refused
// schemas must fail with an error naming the keyword.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grammar_test_util.h"
#include "runtime/grammar/json_schema_grammar.h"
#include "runtime/grammar/json_schema_integer_range.h"
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
  const json schema = cases()["cases"][19]["schema"];  // $defs recursion
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
