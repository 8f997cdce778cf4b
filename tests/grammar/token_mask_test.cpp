// The token mask over the real 151,936-token vocabulary: a token is allowed exactly when the
// byte matcher accepts its bytes (checked token by token against the mask walk), end of
// generation only in accepting states, and the cached mask equals a fresh one.
#include <gtest/gtest.h>

#include <cmath>

#include "grammar_test_util.h"
#include "runtime/grammar/token_constraint.h"
#include "runtime/grammar/tool_call_grammar.h"

namespace onboard::runtime::grammar {
namespace {

using testing::compile;
using testing::qwen_tokenizer;
using testing::qwen_trie;

// Each token checked on its own with a fresh matcher copy: the reference the walk must equal.
void expect_mask_matches_bruteforce(TokenConstraint& tc, const Matcher& state) {
  const auto& mask = tc.mask();
  const auto& trie = *qwen_trie();
  int allowed = 0;
  for (int32_t id = 0; id < trie.n_vocab(); ++id) {
    bool expect;
    if (trie.is_end(id)) {
      expect = state.accepting();
    } else if (trie.piece(id).empty()) {
      expect = false;
    } else {
      Matcher m = state;
      expect = m.accept_bytes(trie.piece(id));
    }
    const bool got = (mask[static_cast<size_t>(id) >> 6] >> (id & 63)) & 1u;
    allowed += got;
    ASSERT_EQ(got, expect) << "token " << id << " '" << trie.piece(id) << "'";
  }
  EXPECT_GT(allowed, 0);
}

TEST(TokenMask, EqualsTheByteMatcherOnEveryTokenAlongASentence) {
  auto g = compile(R"(root ::= "{" ws "\"name\":" ws str ws "," ws "\"n\":" ws [0-9]+ ws "}"
str ::= "\"" [^"\\]* "\""
ws ::= [ \n]*)");
  ASSERT_TRUE(g);
  TokenConstraint tc(g, qwen_trie(), /*max_cached_masks=*/0);
  const std::string text = "{\"name\": \"Grüße 😀\", \"n\": 42}";
  const auto ids = qwen_tokenizer().encode(text, {.add_bos = false, .parse_special = false});
  for (int32_t id : ids) {
    expect_mask_matches_bruteforce(tc, tc.matcher());
    ASSERT_TRUE(tc.accept_token(id)) << qwen_trie()->piece(id);
  }
  EXPECT_TRUE(tc.accepting());
  expect_mask_matches_bruteforce(tc, tc.matcher());
  EXPECT_TRUE(tc.allowed(qwen_tokenizer().eos_id()));
}

TEST(TokenMask, EndOfGenerationOnlyWhenComplete) {
  auto g = compile("root ::= \"yes\" | \"no\"");
  TokenConstraint tc(g, qwen_trie());
  const int32_t eos = qwen_tokenizer().eos_id();
  EXPECT_FALSE(tc.allowed(eos));
  EXPECT_FALSE(tc.accept_token(eos));
  const auto ids = qwen_tokenizer().encode("no", {.add_bos = false});
  for (int32_t id : ids) ASSERT_TRUE(tc.accept_token(id));
  EXPECT_TRUE(tc.allowed(eos));
  EXPECT_TRUE(tc.accept_token(eos));
  // After "no" only the end may come.
  int allowed = 0;
  for (uint64_t w : tc.mask()) allowed += __builtin_popcountll(w);
  EXPECT_EQ(allowed, static_cast<int>(qwen_trie()->end_ids().size()));
}

TEST(TokenMask, RejectedTokenLeavesTheStateAndApplySetsMinusInfinity) {
  auto g = compile("root ::= [0-9]+");
  TokenConstraint tc(g, qwen_trie());
  const auto letters = qwen_tokenizer().encode("abc", {.add_bos = false});
  EXPECT_FALSE(tc.accept_token(letters[0]));
  std::vector<float> logits(static_cast<size_t>(qwen_trie()->n_vocab()), 1.0f);
  tc.apply(logits.data());
  const auto digit = qwen_tokenizer().encode("7", {.add_bos = false});
  EXPECT_EQ(logits[static_cast<size_t>(digit[0])], 1.0f);
  EXPECT_TRUE(std::isinf(logits[static_cast<size_t>(letters[0])]));
  EXPECT_TRUE(std::isinf(logits[static_cast<size_t>(qwen_tokenizer().eos_id())]));
  // Control tokens (BOS) are never output text.
  EXPECT_TRUE(std::isinf(logits[static_cast<size_t>(qwen_tokenizer().bos_id())]));
}

TEST(TokenMask, CachedMaskEqualsAFreshOne) {
  auto g = compile("root ::= (\"a\" | \"b\" | [0-9])* \".\"");
  TokenConstraint cached(g, qwen_trie());
  TokenConstraint fresh(g, qwen_trie(), 0);
  const auto ids = qwen_tokenizer().encode("ab12ba9a.", {.add_bos = false});
  for (int32_t id : ids) {
    ASSERT_EQ(cached.mask(), fresh.mask());
    ASSERT_TRUE(cached.accept_token(id));
    ASSERT_TRUE(fresh.accept_token(id));
  }
}

}  // namespace
}  // namespace onboard::runtime::grammar

namespace onboard::runtime::grammar {
namespace {

TEST(TokenMask, GreedySampleIsTheBestAllowedTokenWithOrWithoutTheMaskWalk) {
  auto g = testing::compile("root ::= [0-9]+");
  SamplerParams p;
  p.temperature = 0;
  Sampler sampler(testing::qwen_trie()->n_vocab(), p);
  const int32_t letter = testing::qwen_tokenizer().encode("x", {.add_bos = false})[0];
  const int32_t seven = testing::qwen_tokenizer().encode("7", {.add_bos = false})[0];
  const int32_t three = testing::qwen_tokenizer().encode("3", {.add_bos = false})[0];
  std::vector<float> logits(static_cast<size_t>(testing::qwen_trie()->n_vocab()), 0.0f);
  logits[static_cast<size_t>(seven)] = 5;
  // The unmasked best is allowed: taken without the walk.
  TokenConstraint a(g, testing::qwen_trie());
  EXPECT_EQ(a.sample(sampler, logits.data(), /*try_unmasked=*/true), seven);
  // The unmasked best is not allowed: the masked draw gives the best allowed one.
  logits[static_cast<size_t>(letter)] = 9;
  logits[static_cast<size_t>(three)] = 6;
  TokenConstraint b(g, testing::qwen_trie());
  EXPECT_EQ(b.sample(sampler, logits.data(), /*try_unmasked=*/true), three);
  TokenConstraint c(g, testing::qwen_trie());
  EXPECT_EQ(c.sample(sampler, logits.data()), three);
  EXPECT_EQ(logits[static_cast<size_t>(letter)], 9);  // the caller's logits are left alone
}

}  // namespace
}  // namespace onboard::runtime::grammar

namespace onboard::runtime::grammar {
namespace {

// DeepSeek-V3's tool-call markers are control tokens; a model trained on them must be able to
// emit them where the tool-call grammar has their text, not only spell them out in pieces.
TEST(TokenMask, ToolCallMarkersAreAllowedAsTheirControlTokens) {
  auto f = gguf::GgufFile::open(std::string(ONBOARD_FIXTURES_DIR) + "/models/tiny-v3-mla.gguf");
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto v = text::vocab_from_gguf(*f);
  ASSERT_TRUE(v.ok()) << v.error().message;
  auto tok = text::Tokenizer::create(std::move(*v));
  ASSERT_TRUE(tok.ok()) << tok.error().message;
  const auto calls_begin = tok->encode("<｜tool▁calls▁begin｜>", {.add_bos = false, .parse_special = true});
  const auto call_begin = tok->encode("<｜tool▁call▁begin｜>", {.add_bos = false, .parse_special = true});
  ASSERT_EQ(calls_begin.size(), 1u);
  ASSERT_EQ(call_begin.size(), 1u);
  ASSERT_EQ(tok->token_type(calls_begin[0]), text::TokenType::kControl);
  const nlohmann::ordered_json tools = nlohmann::ordered_json::parse(
      R"([{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}}}])");
  auto gbnf = tool_call_gbnf(tools, {});
  ASSERT_TRUE(gbnf.ok()) << gbnf.error().message;
  TokenConstraint tc(compile(*gbnf), std::make_shared<const VocabTrie>(*tok));
  EXPECT_TRUE(tc.allowed(calls_begin[0]));
  EXPECT_FALSE(tc.allowed(call_begin[0]));  // not before the block opens
  ASSERT_TRUE(tc.accept_token(calls_begin[0]));
  EXPECT_TRUE(tc.allowed(call_begin[0]));
  EXPECT_FALSE(tc.allowed(calls_begin[0]));
  if (tok->bos_id() >= 0) {
    EXPECT_FALSE(tc.allowed(tok->bos_id()));
  }
}

}  // namespace
}  // namespace onboard::runtime::grammar
