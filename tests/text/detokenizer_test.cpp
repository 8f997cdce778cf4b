// Streaming detokenizer: never a partial UTF-8 character, equals one-shot decode.
#include <random>

#include "text/byte_level.h"
#include "text/detokenizer.h"
#include "text/utf8.h"
#include "tokenizer_test_util.h"

namespace onboard::text::testing {
namespace {

// 256 byte tokens + "<s>" (special) + "你" as a whole token.
Tokenizer byte_tokenizer() {
  VocabData v;
  for (int b = 0; b < 256; ++b) {
    v.tokens.push_back(byte_level_encode(std::string(1, static_cast<char>(b))));
    v.token_types.push_back(TokenType::kNormal);
  }
  v.tokens.push_back("<s>");
  v.token_types.push_back(TokenType::kControl);
  v.added_tokens.push_back({"<s>", 256, true, false, false, false, false});
  v.tokens.push_back(byte_level_encode("\xE4\xBD\xA0"));
  v.token_types.push_back(TokenType::kNormal);
  v.pre = "deepseek-v3";
  auto t = Tokenizer::create(std::move(v));
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

TEST(DetokenizerStream, MultiByteCharacterSplitAcrossByteTokens) {
  const Tokenizer tok = byte_tokenizer();
  StreamingDetokenizer d(tok);
  EXPECT_EQ(d.push('a'), "a");
  EXPECT_EQ(d.push(0xE4), "");
  EXPECT_EQ(d.pending_bytes(), 1u);
  EXPECT_EQ(d.push(0xBD), "");
  EXPECT_EQ(d.push(0xA0), "\xE4\xBD\xA0");
  EXPECT_EQ(d.pending_bytes(), 0u);
  EXPECT_EQ(d.push(0xF0), "");  // 4-byte emoji U+1F600 F0 9F 98 80
  EXPECT_EQ(d.push(0x9F), "");
  EXPECT_EQ(d.push(0x98), "");
  EXPECT_EQ(d.push(0x80), "\xF0\x9F\x98\x80");
  EXPECT_EQ(d.push(257), "\xE4\xBD\xA0");
  EXPECT_EQ(d.flush(), "");
}

TEST(DetokenizerStream, InvalidAndTruncatedBytesBecomeReplacementChars) {
  const Tokenizer tok = byte_tokenizer();
  StreamingDetokenizer d(tok);
  EXPECT_EQ(d.push(0xE4), "");
  EXPECT_EQ(d.push('x'), "\xEF\xBF\xBDx");  // the held byte can no longer complete
  EXPECT_EQ(d.push(0xFF), "\xEF\xBF\xBD");
  EXPECT_EQ(d.push(0xE4), "");
  EXPECT_EQ(d.push(0xBD), "");
  EXPECT_EQ(d.flush(), "\xEF\xBF\xBD");  // truncated at the end: one U+FFFD, as HF lossy decode
  EXPECT_EQ(d.pending_bytes(), 0u);
  EXPECT_EQ(d.push('z'), "z");
}

TEST(DetokenizerStream, SkipSpecial) {
  const Tokenizer tok = byte_tokenizer();
  StreamingDetokenizer keep(tok, false), skip(tok, true);
  EXPECT_EQ(keep.push(256), "<s>");
  EXPECT_EQ(skip.push(256), "");
  // A special token between two bytes of one character: skipped, the character completes.
  EXPECT_EQ(skip.push(0xE4), "");
  EXPECT_EQ(skip.push(256), "");
  EXPECT_EQ(skip.push(0xBD), "");
  EXPECT_EQ(skip.push(0xA0), "\xE4\xBD\xA0");
  const std::vector<int32_t> ids = {0xE4, 256, 0xBD, 0xA0};
  EXPECT_EQ(tok.decode(ids, true), "\xE4\xBD\xA0");
  EXPECT_EQ(tok.decode(ids, false), "\xEF\xBF\xBD<s>\xEF\xBF\xBD\xEF\xBF\xBD");
}

// Random id sequences (byte tokens, special, whole chars): the output after each push is valid
// UTF-8, and the concatenation equals the one-shot decode, for both skip settings.
TEST(DetokenizerStream, RandomSequencesEqualOneShotAtEverySplit) {
  const Tokenizer tok = byte_tokenizer();
  std::mt19937 rng(11);
  const int32_t interesting[] = {'a', ' ', 0xE4, 0xBD, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9, 0xFF, 0xED, 256, 257};
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<int32_t> ids(1 + rng() % 12);
    for (auto& id : ids) id = interesting[rng() % (sizeof interesting / sizeof interesting[0])];
    for (bool skip : {false, true}) {
      StreamingDetokenizer d(tok, skip);
      std::string out;
      for (int32_t id : ids) {
        const std::string part = d.push(id);
        ASSERT_TRUE(utf8_is_valid(part));
        out += part;
      }
      out += d.flush();
      ASSERT_EQ(out, tok.decode(ids, skip));
    }
  }
}

// Real vocabularies: for every corpus case and every split point k, the text emitted after k
// tokens is valid UTF-8 and a prefix of the one-shot decode.
TEST(DetokenizerStream, CorpusPrefixesAreValidAndMonotone) {
  for (const char* flavour : {"r1-qwen", "deepseek-v3"}) {
    const Tokenizer* tok = hf_tokenizer(flavour);
    ASSERT_NE(tok, nullptr);
    size_t held_somewhere = 0;
    for (const auto& c : expected_cases(flavour)) {
      const std::string full = tok->decode(c.ids);
      StreamingDetokenizer d(*tok);
      std::string so_far;
      for (int32_t id : c.ids) {
        so_far += d.push(id);
        held_somewhere += d.pending_bytes() > 0;
        ASSERT_TRUE(utf8_is_valid(so_far)) << flavour << " case " << c.id;
        ASSERT_EQ(full.compare(0, so_far.size(), so_far), 0) << flavour << " case " << c.id;
      }
      so_far += d.flush();
      EXPECT_EQ(so_far, full) << flavour << " case " << c.id;
    }
    EXPECT_GT(held_somewhere, 0u) << flavour << ": no corpus case split a character across tokens";
  }
}

}  // namespace
}  // namespace onboard::text::testing
