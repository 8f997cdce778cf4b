// Conformance: the fixture corpus (370 strings, expected ids from the Hugging Face tokenizer)
// encodes to exactly the expected ids, from tokenizer.json and from GGUF metadata.
#include <utf8proc.h>

#include <cstdlib>

#include "text/detokenizer.h"
#include "tokenizer_test_util.h"

namespace onboard::text::testing {
namespace {

struct Source {
  std::string flavour;  // expected_<flavour>.json
  std::string gguf;     // empty: the HF files of the flavour
  std::string label() const { return gguf.empty() ? flavour + "_hf" : flavour + "_gguf_" + gguf; }
};
void PrintTo(const Source& s, std::ostream* os) { *os << s.label(); }

const Tokenizer* tokenizer_for(const Source& s) {
  return s.gguf.empty() ? hf_tokenizer(s.flavour) : gguf_tokenizer(s.gguf);
}

class CorpusTest : public ::testing::TestWithParam<Source> {};

TEST_P(CorpusTest, EveryCaseEncodesToExpectedIds) {
  const Source& src = GetParam();
  const auto& cases = expected_cases(src.flavour);
  ASSERT_EQ(cases.size(), 370u) << "fixture expected_" << src.flavour << ".json not read";
  const Tokenizer* tok = tokenizer_for(src);
  ASSERT_NE(tok, nullptr);
  int pass = 0;
  std::string failed;
  for (const auto& c : cases) {
    const auto got = tok->encode(c.text, {.add_bos = false, .parse_special = true});
    if (got == c.ids) {
      ++pass;
    } else {
      failed += " " + std::to_string(c.id);
      ADD_FAILURE() << src.label() << " case " << c.id << " (" << c.category << ") " << nlohmann::json(c.text).dump()
                    << "\n  expected " << ids_str(c.ids) << "\n  got      " << ids_str(got);
    }
  }
  std::printf("[corpus] %s: %d/%zu cases match%s%s\n", src.label().c_str(), pass, cases.size(),
              failed.empty() ? "" : "; failing case ids:", failed.c_str());
  EXPECT_EQ(pass, static_cast<int>(cases.size()));
}

std::string nfc(const std::string& s) {
  utf8proc_uint8_t* dst = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                              static_cast<utf8proc_ssize_t>(s.size()), &dst,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return s;
  std::string out(reinterpret_cast<const char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return out;
}

TEST_P(CorpusTest, DecodeOfExpectedIdsGivesTheText) {
  // HF decode(ids) == text for every corpus case (NFC(text) for NFC flavours): byte-level BPE
  // loses nothing, added tokens decode to their content.
  const Source& src = GetParam();
  const auto& cases = expected_cases(src.flavour);
  const Tokenizer* tok = tokenizer_for(src);
  ASSERT_NE(tok, nullptr);
  const bool nfc_flavour = tok->vocab().nfc;
  int pass = 0;
  for (const auto& c : cases) {
    const std::string want = nfc_flavour ? nfc(c.text) : c.text;
    const std::string from_expected = tok->decode(c.ids);
    const std::string roundtrip = tok->decode(tok->encode(c.text));
    EXPECT_EQ(from_expected, want) << src.label() << " case " << c.id;
    EXPECT_EQ(roundtrip, want) << src.label() << " case " << c.id;
    if (from_expected == want && roundtrip == want) ++pass;
  }
  std::printf("[roundtrip] %s: %d/%zu\n", src.label().c_str(), pass, cases.size());
}

TEST_P(CorpusTest, StreamingDecodeEqualsOneShot) {
  const Source& src = GetParam();
  const Tokenizer* tok = tokenizer_for(src);
  ASSERT_NE(tok, nullptr);
  for (const auto& c : expected_cases(src.flavour)) {
    for (bool skip : {false, true}) {
      StreamingDetokenizer d(*tok, skip);
      std::string streamed;
      for (int32_t id : c.ids) streamed += d.push(id);
      streamed += d.flush();
      EXPECT_EQ(streamed, tok->decode(c.ids, skip)) << src.label() << " case " << c.id << " skip=" << skip;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizer, CorpusTest,
                         ::testing::Values(Source{"r1-qwen", ""}, Source{"deepseek-v3", ""},
                                           Source{"r1-qwen", "tiny-qwen2"}, Source{"deepseek-v3", "tiny-llama"}),
                         [](const auto& info) {
                           std::string s = info.param.label();
                           for (char& ch : s)
                             if (ch == '-') ch = '_';
                           return s;
                         });

// The fixture prompt with add_bos gives the model fixtures' prompt_tokens.
class PromptTest : public ::testing::TestWithParam<Source> {};

TEST_P(PromptTest, FixturePromptTokens) {
  const Source& src = GetParam();
  const auto j = read_json(fixtures_dir() + "/models/" + src.gguf + ".expected.json");
  ASSERT_TRUE(j.is_object() && j.contains("prompt_tokens") && j.contains("prompt_text"));
  const auto want = j["prompt_tokens"].get<std::vector<int32_t>>();
  const std::string text = j["prompt_text"].get<std::string>();
  EXPECT_EQ(text, "<\uff5cUser\uff5c>\u8bf7\u6253\u5f00\u8f66\u7a97\u4e00\u534a\uff0c\u7136\u540e\u64ad\u653e\u97f3\u4e50 please<\uff5cAssistant\uff5c>");
  for (const Tokenizer* tok : {hf_tokenizer(src.flavour), gguf_tokenizer(src.gguf)}) {
    ASSERT_NE(tok, nullptr);
    EXPECT_TRUE(tok->add_bos());
    EXPECT_EQ(tok->encode(text, {.add_bos = tok->add_bos(), .parse_special = true}), want);
    EXPECT_EQ(tok->decode(want), std::string(tok->token_piece(tok->bos_id())) + text);
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizer, PromptTest,
                         ::testing::Values(Source{"r1-qwen", "tiny-qwen2"}, Source{"deepseek-v3", "tiny-llama"}),
                         [](const auto& info) {
                           std::string s = info.param.gguf;
                           for (char& ch : s)
                             if (ch == '-') ch = '_';
                           return s;
                         });

// The GGUF metadata and the HF files describe the same tokenizer.
TEST(TokenizerGguf, MatchesHfVocabulary) {
  const std::pair<const char*, const char*> pairs[] = {{"r1-qwen", "tiny-qwen2"}, {"deepseek-v3", "tiny-llama"}};
  for (const auto& [flavour, model] : pairs) {
    const Tokenizer* hf = hf_tokenizer(flavour);
    const Tokenizer* gg = gguf_tokenizer(model);
    ASSERT_TRUE(hf && gg);
    EXPECT_EQ(hf->bos_id(), gg->bos_id()) << model;
    EXPECT_EQ(hf->eos_id(), gg->eos_id()) << model;
    EXPECT_EQ(hf->vocab().nfc, gg->vocab().nfc) << model;
    EXPECT_EQ(hf->vocab().pre, gg->vocab().pre) << model;
    EXPECT_GE(gg->n_vocab(), hf->n_vocab()) << model;
    for (int32_t id = 0; id < hf->n_vocab(); ++id)
      if (hf->token_piece(id) != gg->token_piece(id)) {
        ADD_FAILURE() << model << ": piece of id " << id << " differs";
        break;
      }
    EXPECT_EQ(hf->vocab().merges.size(), gg->vocab().merges.size()) << model;
    EXPECT_FALSE(gg->vocab().chat_template.empty()) << model;
  }
}

}  // namespace
}  // namespace onboard::text::testing
