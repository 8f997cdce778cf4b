// The GBNF parser and matcher: sentences a grammar must accept and reject, written from the
// format's definition (llama.cpp grammars/README.md), and errors naming line:column.
#include <gtest/gtest.h>

#include "grammar_test_util.h"
#include "runtime/grammar/utf8_ranges.h"
#include "text/utf8.h"

namespace onboard::runtime::grammar {
namespace {

using testing::compile;
using testing::matches;

struct Case {
  const char* grammar;
  std::vector<std::string> accept, reject;
};

void check(const Case& c) {
  auto g = compile(c.grammar);
  ASSERT_TRUE(g) << c.grammar;
  for (const auto& s : c.accept) EXPECT_TRUE(matches(g, s)) << "should accept \"" << s << "\" with\n" << c.grammar;
  for (const auto& s : c.reject) EXPECT_FALSE(matches(g, s)) << "should reject \"" << s << "\" with\n" << c.grammar;
}

TEST(Gbnf, LiteralsSequencesAndAlternation) {
  check({"root ::= \"ab\" \"c\" | \"x\"", {"abc", "x"}, {"", "ab", "abcx", "xx", "a"}});
  check({"root ::= a b\na ::= \"1\" | \"2\"\nb ::= \"z\"", {"1z", "2z"}, {"3z", "1", "z"}});
}

TEST(Gbnf, GroupsAndRepetition) {
  check({"root ::= (\"a\" | \"b\")* \"!\"", {"!", "a!", "abba!"}, {"", "abc!", "ab"}});
  check({"root ::= \"x\"+", {"x", "xxxx"}, {"", "xy"}});
  check({"root ::= \"a\"? \"b\"", {"b", "ab"}, {"aab", "a"}});
  check({"root ::= \"ab\"{2}", {"abab"}, {"ab", "ababab"}});
  check({"root ::= [0-9]{2,4}", {"12", "123", "1234"}, {"1", "12345", "1a"}});
  check({"root ::= [0-9]{2,}", {"12", "1234567"}, {"1", ""}});
  check({"root ::= (\"a\" \"b\"){0,2} \"c\"", {"c", "abc", "ababc"}, {"abababc", "ac"}});
}

TEST(Gbnf, CharacterClasses) {
  check({"root ::= [a-cx]+", {"abc", "x", "cab"}, {"d", "", "abd"}});
  check({"root ::= [^\"\\\\]*", {"hello", "", "é ü 😀"}, {"a\"b", "a\\b"}});
  check({"root ::= [\\x41-\\x43] [\\n\\t]", {"A\n", "C\t"}, {"D\n", "A "}});
  check({"root ::= [-a]+", {"-a-"}, {"b"}});
  check({"root ::= .", {"a", "é", "😀"}, {"", "ab", "\xff", "\xc3"}});
  // Non-ASCII ranges lower to UTF-8 byte sequences.
  check({"root ::= [à-ÿ]", {"à", "é", "ÿ"}, {"a", "Ā", "\xc3"}});
  check({"root ::= [^a-z]", {"A", "é", "中"}, {"q", "", "AB"}});
  check({"root ::= \"\\u00e9\\U0001F600\"", {"é😀"}, {"e"}});
}

TEST(Gbnf, CommentsAndLayout) {
  check({"# a comment\nroot ::= a # trailing\n  | b\n\na ::= \"a\"\nb ::= (\n  \"b\"\n  \"c\"\n)\n", {"a", "bc"}, {"b"}});
}

TEST(Gbnf, RecursiveRules) {
  check({"root ::= \"(\" root \")\" | \"\"", {"", "()", "((()))"}, {"(", "())", ")("}});
  check({"root ::= item (\",\" item)*\nitem ::= [0-9]+ | \"[\" root \"]\"", {"1", "1,2", "[1,[2,3]],4"}, {"1,", "[1", ""}});
}

// Nested repetition makes the stack expansion exponential ((x+)+ ... +: 2^depth paths). The
// matcher cuts it at kExpandBudget and says so, instead of hanging; what it keeps is a subset
// of the stacks, so it still never accepts a string outside the grammar.
TEST(Gbnf, ExponentialExpansionIsCutAndStaysSound) {
  const auto deep = compile("root ::= (\"a\" | [b-d]){2,7}" + std::string(100, '+') + "* [^x-z]?");
  ASSERT_TRUE(deep);
  Matcher m(deep);
  EXPECT_FALSE(m.accept_bytes("x"));
  for (char c : std::string("abcdabcd")) m.accept_bytes(std::string_view(&c, 1));
  EXPECT_TRUE(m.exhausted());
  EXPECT_FALSE(m.accept_bytes("xx"));
  // A few levels stay well inside the budget and match exactly.
  const auto shallow = compile("root ::= ((\"a\" | \"b\")+)+ \"c\"");
  Matcher s(shallow);
  EXPECT_FALSE(s.exhausted());
  EXPECT_TRUE(matches(shallow, "abbac"));
  EXPECT_FALSE(matches(shallow, "c"));
}

TEST(Gbnf, ErrorsNameLineAndColumn) {
  struct Bad {
    const char* grammar;
    const char* needle;
  };
  const Bad bad[] = {
      {"root ::= foo", "grammar:1:10: undefined rule 'foo'"},
      {"root ::= \"a\"\nroot ::= \"b\"", "grammar:2:1: rule 'root' defined twice"},
      {"root ::= \"abc", "grammar:1:10: unterminated string literal"},
      {"root ::= [abc", "grammar:1:10: unterminated character class"},
      {"root ::= (\"a\"", "grammar:1:10: unclosed '('"},
      {"root = \"a\"", "grammar:1:6: expected '::='"},
      {"a ::= \"x\"", "no 'root' rule"},
      {"root ::= \"\\q\"", "grammar:1:11: unknown escape"},
      {"root ::= [z-a]", "character range end before its start"},
      {"root ::= \"a\"{3,1}", "n < m"},
      {"root ::= root \"a\" | \"b\"", "grammar:1:1: left recursion through rule 'root'"},
      {"root ::= x\nx ::= y? root\ny ::= \"y\"", "left recursion"},
      {"root ::= *", "repetition without an item"},
      {"root ::= \"a\"{99999}", "repetition count above"},
      {"root ::= \"a\" )", "grammar:1:14: unexpected ')'"},
  };
  for (const auto& b : bad) {
    auto g = parse_gbnf(b.grammar);
    ASSERT_FALSE(g.ok()) << b.grammar;
    EXPECT_NE(g.error().message.find(b.needle), std::string::npos) << b.grammar << " -> " << g.error().message;
  }
}

TEST(Utf8Ranges, EverySequenceMatchesExactlyTheCodePointsOfTheRange) {
  // Brute force over a range crossing every encoding length and the surrogates.
  const std::vector<std::pair<uint32_t, uint32_t>> ranges = {{0x70, 0x90}, {0x7F0, 0x810}, {0xD7F0, 0xE010}, {0xFFF0, 0x10010}};
  const auto seqs = utf8_sequences(ranges);
  auto in_ranges = [&](uint32_t cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    for (auto [lo, hi] : ranges)
      if (cp >= lo && cp <= hi) return true;
    return false;
  };
  for (uint32_t cp = 0; cp < 0x10100; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    text::utf8_append(s, cp);
    int hits = 0;
    for (const auto& seq : seqs) {
      if (seq.size() != s.size()) continue;
      bool ok = true;
      for (size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<uint8_t>(s[i]);
        ok = ok && b >= seq[i].lo && b <= seq[i].hi;
      }
      hits += ok;
    }
    EXPECT_EQ(hits, in_ranges(cp) ? 1 : 0) << std::hex << cp;
  }
}

}  // namespace
}  // namespace onboard::runtime::grammar
