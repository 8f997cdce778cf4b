// Jinja interpreter unit tests: one golden case per construct (expected strings produced by
// @huggingface/jinja 0.5.11 and stored in jinja_golden_cases.json), plus error and limit cases
// asserting on the message.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "text/chat_template.h"

namespace {

using nlohmann::ordered_json;

onboard::Expected<std::string> render(const std::string& src, const ordered_json& ctx = ordered_json::object()) {
  auto t = onboard::ChatTemplate::parse(src);
  if (!t.ok()) return t.error();
  return t->render(ctx);
}

std::string error_of(const std::string& src, const ordered_json& ctx = ordered_json::object()) {
  auto r = render(src, ctx);
  return r.ok() ? "<no error; rendered: " + r.value() + ">" : r.error().message;
}

TEST(JinjaGolden, EveryConstructMatchesReference) {
  std::ifstream in(std::string(ONBOARD_SOURCE_DIR) + "/tests/text/jinja_golden_cases.json");
  ASSERT_TRUE(in) << "missing tests/text/jinja_golden_cases.json";
  std::stringstream ss;
  ss << in.rdbuf();
  const auto cases = ordered_json::parse(ss.str());
  ASSERT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    auto r = render(c["template"].get<std::string>(), c["context"]);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_EQ(r.value(), c["expected"].get<std::string>()) << name;
  }
}

TEST(JinjaErrors, UnknownFilterNamesFilterAndPosition) {
  const std::string e = error_of("line one\n{{ 'x' | frobnicate }}");
  EXPECT_NE(e.find("Unknown StringValue filter: frobnicate"), std::string::npos) << e;
  EXPECT_NE(e.find("line 2, column 10"), std::string::npos) << e;
}

TEST(JinjaErrors, UnclosedBlockNamesBlockAndWhereItOpened) {
  const std::string e = error_of("ab\n  {% for x in xs %}{{ x }}");
  EXPECT_NE(e.find("unclosed 'for' block"), std::string::npos) << e;
  EXPECT_NE(e.find("{% endfor %}"), std::string::npos) << e;
  EXPECT_NE(e.find("line 2, column 3"), std::string::npos) << e;  // the original source position
  const std::string e2 = error_of("{% if a %}x{% else %}y");
  EXPECT_NE(e2.find("unclosed 'if' block"), std::string::npos) << e2;
}

TEST(JinjaErrors, RaiseException) {
  auto r = render("{% if messages|length == 0 %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}",
                  {{"messages", ordered_json::array()}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("raise_exception: Conversation roles must alternate"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("line 1, column 33"), std::string::npos) << r.error().message;
}

TEST(JinjaErrors, SyntaxErrors) {
  EXPECT_NE(error_of("{{ 1 + }}").find("unexpected token"), std::string::npos);
  EXPECT_NE(error_of("{% frob %}").find("Unknown statement type: frob"), std::string::npos);
  EXPECT_NE(error_of("{{ 'abc }}").find("unterminated string"), std::string::npos);
  EXPECT_NE(error_of("{# no end").find("Missing end of comment tag"), std::string::npos);
  EXPECT_NE(error_of("{{ x is frob }}").find("Unknown test: frob"), std::string::npos);
  EXPECT_NE(error_of("{{ undefined_fn() }}").find("Cannot call something that is not a function"), std::string::npos);
  EXPECT_NE(error_of("{{ 'a' + none }}").find("null values"), std::string::npos);
  EXPECT_NE(error_of("{% break %}").find("'break' outside of a for loop"), std::string::npos);
  EXPECT_NE(error_of("{{ 1 // 0 }}").find("division by zero"), std::string::npos);
}

TEST(JinjaErrors, UndefinedInArithmeticIsAnError) {
  const std::string e = error_of("{{ '<User>' + message['content'] }}", {{"message", {{"role", "user"}}}});
  EXPECT_NE(e.find("Cannot perform operation + on undefined values"), std::string::npos) << e;
}

TEST(JinjaLimits, MacroRecursionIsBounded) {
  const std::string e = error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  EXPECT_NE(e.find("macro call depth exceeds the limit"), std::string::npos) << e;
}

TEST(JinjaLimits, DeepNestingIsBounded) {
  std::string deep(5000, '(');
  deep = "{{ " + deep + "1" + std::string(5000, ')') + " }}";
  EXPECT_NE(error_of(deep).find("nesting exceeds the limit"), std::string::npos);
  std::string chain = "{{ 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  chain += " }}";
  EXPECT_NE(error_of(chain).find("nesting exceeds the limit"), std::string::npos);
  std::string ifs;
  for (int i = 0; i < 300; ++i) ifs += "{% if true %}";
  EXPECT_NE(error_of(ifs).find("nesting exceeds the limit"), std::string::npos);
}

TEST(JinjaLimits, HugeLoopsAndOutputAreBounded) {
  const std::string e = error_of("{% for i in range(1000000) %}{% for j in range(1000000) %}{% endfor %}{% endfor %}");
  EXPECT_NE(e.find("step limit"), std::string::npos) << e;
  const std::string e2 = error_of("{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}");
  EXPECT_NE(e2.find("size limit"), std::string::npos) << e2;
  const std::string e3 = error_of("{% set ns = namespace(a=[]) %}{% for i in range(100000) %}{% set ns.a = [ns.a] %}{% endfor %}");
  EXPECT_NE(e3.find("depth limit"), std::string::npos) << e3;
  EXPECT_NE(error_of("{% set ns = namespace() %}{% set ns.me = ns %}").find("cannot hold a namespace"), std::string::npos);
}

TEST(JinjaApi, ContextKeyOrderFollowsOrderedJson) {
  auto t = onboard::ChatTemplate::parse("{{ tools | tojson }}");
  ASSERT_TRUE(t.ok());
  ordered_json ctx;
  ctx["tools"] = ordered_json::parse(R"({"type":"function","function":{"name":"f"}})");
  EXPECT_EQ(t->render(ctx).value(), R"({"type": "function", "function": {"name": "f"}})");
  nlohmann::json sorted = nlohmann::json::parse(R"({"tools":{"type":"function","function":{"name":"f"}}})");
  EXPECT_EQ(t->render(sorted).value(), R"({"function": {"name": "f"}, "type": "function"})");
}

TEST(JinjaApi, ApplyChatTemplateSetsStandardVariables) {
  auto t = onboard::ChatTemplate::parse(
      "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}"
      "{% if add_generation_prompt %}GEN{% endif %}{{ eos_token }}{{ tools is defined }}{{ extra_flag }}");
  ASSERT_TRUE(t.ok());
  const nlohmann::json msgs = nlohmann::json::parse(R"([{"role":"user","content":"hi"}])");
  auto r = onboard::apply_chat_template(*t, msgs, true, "<s>", "</s>", nullptr, {{"extra_flag", 7}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), "<s>[user:hi]GEN</s>false7");
  auto bad = onboard::apply_chat_template(*t, nlohmann::json::object(), true, "", "");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
