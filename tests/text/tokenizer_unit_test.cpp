// Unit tests on small hand-built vocabularies: BPE order, added-token flags, invalid UTF-8,
// NFC fast path, the byte map, and the error messages of the loaders.
#include <utf8proc.h>

#include <cstdlib>
#include <atomic>
#include <functional>
#include <random>
#include <thread>

#include "format/gguf_writer.h"
#include "text/byte_level.h"
#include "text/detokenizer.h"
#include "text/pre_tokenizer.h"
#include "text/utf8.h"
#include "tokenizer_test_util.h"

namespace onboard::text::testing {
namespace {

// 256 byte tokens (ids = byte values), then the merge results and added tokens below.
struct Tiny {
  VocabData v;
  int32_t add(const std::string& text, TokenType t = TokenType::kNormal) {
    v.tokens.push_back(text);
    v.token_types.push_back(t);
    return static_cast<int32_t>(v.tokens.size() - 1);
  }
  int32_t merge(const std::string& a, const std::string& b) {
    v.merges.emplace_back(a, b);
    return add(a + b);
  }
  int32_t added(const std::string& content, bool special, bool lstrip = false, bool rstrip = false,
                bool single_word = false) {
    const int32_t id = add(content, special ? TokenType::kControl : TokenType::kUserDefined);
    v.added_tokens.push_back({content, id, special, lstrip, rstrip, /*normalized=*/false, single_word});
    return id;
  }
  Tiny() {
    for (int b = 0; b < 256; ++b) add(byte_level_encode(std::string(1, static_cast<char>(b))));
    v.pre = "qwen2";
  }
};

struct TinyIds {
  int32_t G_t, he, G_the, aa, s, ls, rs, sw, u, ux;
};

Tiny make_tiny(TinyIds* ids) {
  Tiny t;
  ids->G_t = t.merge("\xC4\xA0", "t");  // "Ġ" + "t"
  ids->he = t.merge("h", "e");
  ids->G_the = t.merge("\xC4\xA0t", "he");
  ids->aa = t.merge("a", "a");
  ids->s = t.added("<s>", true);
  ids->ls = t.added("<ls>", true, /*lstrip=*/true);
  ids->rs = t.added("<rs>", true, false, /*rstrip=*/true);
  ids->sw = t.added("<sw>", true, false, false, /*single_word=*/true);
  ids->u = t.added("<u>", false);
  ids->ux = t.added("<u>x", false);
  t.v.bos_id = ids->s;
  return t;
}

Tokenizer create_or_die(VocabData v) {
  auto t = Tokenizer::create(std::move(v));
  if (!t.ok()) {
    ADD_FAILURE() << t.error().message;
    std::abort();
  }
  return std::move(t).value();
}

std::vector<int32_t> bytes_of(std::string_view s) {
  std::vector<int32_t> out;
  for (char c : s) out.push_back(static_cast<uint8_t>(c));
  return out;
}

std::vector<int32_t> cat(std::initializer_list<std::vector<int32_t>> parts) {
  std::vector<int32_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(TokenizerByteLevel, Gpt2Map) {
  EXPECT_EQ(byte_to_codepoint(' '), 0x120u);
  EXPECT_EQ(byte_to_codepoint('\n'), 0x10Au);
  EXPECT_EQ(byte_to_codepoint('\t'), 0x109u);
  EXPECT_EQ(byte_to_codepoint(0xAD), 0x143u);
  EXPECT_EQ(byte_to_codepoint(0x7F), 0x121u);
  EXPECT_EQ(byte_to_codepoint('A'), static_cast<uint32_t>('A'));
  EXPECT_EQ(byte_to_codepoint(0xE4), 0xE4u);
  std::vector<bool> seen(0x144, false);
  for (int b = 0; b < 256; ++b) {
    const uint32_t cp = byte_to_codepoint(static_cast<uint8_t>(b));
    ASSERT_LT(cp, 0x144u);
    EXPECT_FALSE(seen[cp]);
    seen[cp] = true;
    EXPECT_EQ(codepoint_to_byte(cp), b);
  }
  EXPECT_EQ(codepoint_to_byte(0xFF5C), -1);
  EXPECT_EQ(byte_level_decode_token("\xC4\xA0the"), " the");
  EXPECT_EQ(byte_level_decode_token("<\xEF\xBD\x9CUser\xEF\xBD\x9C>"), "<\xEF\xBD\x9CUser\xEF\xBD\x9C>");
}

TEST(TokenizerUtf8, LossyAndIncompleteTail) {
  EXPECT_EQ(utf8_lossy("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(utf8_lossy("\xE4\xBD"), "\xEF\xBF\xBD");             // one maximal subpart
  EXPECT_EQ(utf8_lossy("\xE4\xBD" "a"), "\xEF\xBF\xBD" "a");
  EXPECT_EQ(utf8_lossy("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate: 3
  EXPECT_EQ(utf8_lossy("\xF0\x9F\x98"), "\xEF\xBF\xBD");
  EXPECT_EQ(utf8_incomplete_tail("a\xE4\xBD"), 2u);
  EXPECT_EQ(utf8_incomplete_tail("a\xE4"), 1u);
  EXPECT_EQ(utf8_incomplete_tail("\xE4\xBD\xA0"), 0u);
  EXPECT_EQ(utf8_incomplete_tail("\xF0\x9F\x98"), 3u);
  EXPECT_EQ(utf8_incomplete_tail("\xED\xA0"), 0u);  // can never complete
  EXPECT_EQ(utf8_incomplete_tail("\xFF"), 0u);
}

std::string nfc_reference(const std::string& s) {
  utf8proc_uint8_t* dst = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                              static_cast<utf8proc_ssize_t>(s.size()), &dst,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string out(reinterpret_cast<const char*>(dst), n < 0 ? 0 : static_cast<size_t>(n));
  std::free(dst);
  return out;
}

TEST(TokenizerUtf8, NfcFastPathEqualsFullNfc) {
  for (const auto& c : expected_cases("r1-qwen")) EXPECT_EQ(utf8_nfc(c.text), nfc_reference(c.text)) << c.id;
  // Random mixes of inert characters and characters that compose or reorder.
  const uint32_t pool[] = {'a', 'e', ' ', 'A', 0xE9, 0x301, 0x300, 0x327, 0x30A, 0x4E00, 0x304B, 0x3099, 0x309A,
                           0x30AB, 0x1100, 0x1161, 0x11A8, 0xAC00, 0x2126, 0x212B, 0xF900, 0xFF76, 0xFF9E, 0x3000,
                           0x302A, 0x2000, 0x1E0A, 0x323, 0x1F600, 0xFB01, 0x0F73, 0x0915, 0x093C};
  std::mt19937 rng(7);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < len; ++k) utf8_append(s, pool[rng() % (sizeof pool / sizeof pool[0])]);
    ASSERT_EQ(utf8_nfc(s), nfc_reference(s)) << nlohmann::json(s).dump();
  }
}

TEST(TokenizerBpe, MergesByRankThenLeftmost) {
  TinyIds id;
  const Tokenizer tok = create_or_die(make_tiny(&id).v);
  EXPECT_EQ(tok.encode(" the"), std::vector<int32_t>{id.G_the});
  EXPECT_EQ(tok.encode("the"), cat({{'t'}, {id.he}}));
  EXPECT_EQ(tok.encode("aaa"), cat({{id.aa}, {'a'}}));  // leftmost pair first on equal rank
  EXPECT_EQ(tok.encode("aaaa"), cat({{id.aa}, {id.aa}}));
  // Pre-tokenization: "the the" -> "the", " the".
  EXPECT_EQ(tok.encode("the the"), cat({{'t', id.he}, {id.G_the}}));
  EXPECT_EQ(tok.encode(""), std::vector<int32_t>{});
  EXPECT_EQ(tok.encode("", {.add_bos = true}), std::vector<int32_t>{id.s});
  EXPECT_EQ(tok.decode(tok.encode("hello, the world\n")), "hello, the world\n");
}

TEST(TokenizerBpe, IgnoreMergesEmitsWholeVocabularyWords) {
  TinyIds id;
  Tiny t = make_tiny(&id);
  const int32_t xyz = t.add("xyz");  // no merge path leads to it
  t.v.pre = "llama-bpe";
  const Tokenizer plain = create_or_die(t.v);
  EXPECT_EQ(plain.encode("xyz"), bytes_of("xyz"));
  t.v.ignore_merges = true;
  const Tokenizer ignoring = create_or_die(t.v);
  EXPECT_EQ(ignoring.encode("xyz"), std::vector<int32_t>{xyz});
  EXPECT_EQ(ignoring.encode(" the"), std::vector<int32_t>{id.G_the});
}

TEST(TokenizerAddedTokens, FlagsAndLongestMatch) {
  TinyIds id;
  const Tokenizer tok = create_or_die(make_tiny(&id).v);
  EXPECT_EQ(tok.encode("<s>"), std::vector<int32_t>{id.s});
  EXPECT_EQ(tok.encode("<s>", {.parse_special = false}), bytes_of("<s>"));
  EXPECT_EQ(tok.encode("<u>", {.parse_special = false}), std::vector<int32_t>{id.u});  // not special
  EXPECT_EQ(tok.encode("<u>xy"), cat({{id.ux}, {'y'}}));  // longest match wins
  EXPECT_EQ(tok.encode("<u>y"), cat({{id.u}, {'y'}}));
  // lstrip swallows the whitespace on the left, rstrip on the right.
  EXPECT_EQ(tok.encode("b  <ls>c"), cat({{'b'}, {id.ls}, {'c'}}));
  EXPECT_EQ(tok.encode("b  <rs>  c"), cat({{'b'}, bytes_of("  "), {id.rs}, {'c'}}));
  EXPECT_EQ(tok.encode("b  <s>c"), cat({{'b'}, bytes_of("  "), {id.s}, {'c'}}));
  // single_word: only between non-word characters.
  EXPECT_EQ(tok.encode("a<sw>b"), bytes_of("a<sw>b"));
  EXPECT_EQ(tok.encode("<sw> b"), cat({{id.sw}, {0x20, 'b'}}));
  EXPECT_TRUE(tok.is_special(id.s));
  EXPECT_FALSE(tok.is_special(id.u));
  EXPECT_TRUE(tok.is_control(id.s));
  EXPECT_EQ(tok.decode(tok.encode("x<s>y<u>z"), /*skip_special=*/true), "xy<u>z");
  EXPECT_EQ(tok.decode(tok.encode("x<s>y<u>z")), "x<s>y<u>z");
  EXPECT_EQ(tok.find_token("<u>x"), id.ux);
  EXPECT_EQ(tok.find_token("\xC4\xA0the"), id.G_the);
  EXPECT_EQ(tok.find_token("nope"), -1);
}

TEST(TokenizerInvalidUtf8, EachBadByteIsItsOwnToken) {
  TinyIds id;
  const Tokenizer tok = create_or_die(make_tiny(&id).v);
  EXPECT_EQ(tok.encode("he\xFFhe"), cat({{id.he}, {0xFF}, {id.he}}));
  EXPECT_EQ(tok.encode("\xE4\xBD"), (std::vector<int32_t>{0xE4, 0xBD}));
  EXPECT_EQ(tok.encode("a\xC0\x80" "b"), (std::vector<int32_t>{'a', 0xC0, 0x80, 'b'}));
  EXPECT_EQ(tok.decode(tok.encode("he\xFFhe")), "he\xEF\xBF\xBDhe");
  // Real tokenizers: nothing crashes, output is valid UTF-8.
  for (const char* flavour : {"r1-qwen", "deepseek-v3"}) {
    const Tokenizer* real = hf_tokenizer(flavour);
    ASSERT_NE(real, nullptr);
    const std::string bad = "\xF0\x9F\x98 caf\x65\xCC \xED\xA0\x80\xFF<\xEF\xBD\x9CUser\xEF\xBD\x9C>\xC3";
    const std::string back = real->decode(real->encode(bad));
    EXPECT_TRUE(utf8_is_valid(back));
    EXPECT_EQ(back, utf8_lossy(bad)) << flavour;
  }
}

TEST(TokenizerReal, ParseSpecialOffMatchesOnlyNonSpecialAddedTokens) {
  const Tokenizer* tok = hf_tokenizer("r1-qwen");
  ASSERT_NE(tok, nullptr);
  const std::string eos = "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
  EXPECT_EQ(tok->encode(eos), std::vector<int32_t>{151643});
  const auto split = tok->encode(eos, {.parse_special = false});
  EXPECT_GT(split.size(), 1u);
  EXPECT_EQ(tok->decode(split), eos);
  EXPECT_EQ(tok->encode("<think>", {.parse_special = false}), std::vector<int32_t>{151648});
  EXPECT_TRUE(tok->is_special(151643));
  EXPECT_FALSE(tok->is_special(151644));  // <｜User｜> is special=false in this tokenizer.json
  EXPECT_TRUE(tok->is_control(151644));   // but typed CONTROL, as llama.cpp's converter does
  EXPECT_EQ(tok->decode(std::vector<int32_t>{151646, 151644, 151643}, true), "<\xEF\xBD\x9CUser\xEF\xBD\x9C>");
  EXPECT_EQ(tok->decode(std::vector<int32_t>{-5, 1 << 30}), "");
  EXPECT_EQ(tok->token_piece(-1), "");
  EXPECT_EQ(tok->bos_id(), 151646);
  EXPECT_EQ(tok->eos_id(), 151643);
  EXPECT_EQ(tok->vocab().pre, "deepseek-r1-qwen");
  EXPECT_TRUE(tok->vocab().nfc);
  EXPECT_FALSE(tok->vocab().chat_template.empty());
  const Tokenizer* v3 = hf_tokenizer("deepseek-v3");
  ASSERT_NE(v3, nullptr);
  EXPECT_EQ(v3->vocab().pre, "deepseek-v3");
  EXPECT_FALSE(v3->vocab().nfc);
  EXPECT_EQ(v3->n_vocab(), 128815);
}

TEST(TokenizerReal, ConcurrentEncodeIsConsistent) {
  const Tokenizer* tok = hf_tokenizer("deepseek-v3");
  ASSERT_NE(tok, nullptr);
  const auto& cases = expected_cases("deepseek-v3");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 3; ++rep)
        for (size_t k = static_cast<size_t>(t); k < cases.size(); k += 2)
          if (tok->encode(cases[k].text) != cases[k].ids) ++mismatches;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- errors ----

nlohmann::json minimal_tokenizer_json() {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_level_encode(std::string(1, static_cast<char>(b)))] = b;
  vocab["he"] = 256;
  nlohmann::json j;
  j["model"] = {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array({"h e"})}};
  j["normalizer"] = nullptr;
  j["added_tokens"] = nlohmann::json::array();
  j["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       nlohmann::json::array(
           {{{"type", "Split"},
             {"pattern",
              {{"Regex",
                R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"}}},
             {"behavior", "Isolated"},
             {"invert", false}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}}})}};
  return j;
}

std::string error_of(const nlohmann::json& j, const std::string& config = "") {
  auto v = parse_hf_tokenizer(j.dump(), config, "t.json");
  if (!v.ok()) return v.error().message;
  auto t = Tokenizer::create(std::move(v).value());
  return t.ok() ? "" : t.error().message;
}

TEST(TokenizerErrors, MinimalHfJsonLoads) {
  auto v = parse_hf_tokenizer(minimal_tokenizer_json().dump(), "", "t.json");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->pre, "qwen2");
  auto t = Tokenizer::create(std::move(v).value());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->encode("he"), std::vector<int32_t>{256});
}

TEST(TokenizerErrors, HfJsonProblemsAreNamed) {
  auto j = minimal_tokenizer_json();
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "\\w+";
  std::string e = error_of(j);
  EXPECT_NE(e.find("pre_tokenizer not recognised"), std::string::npos) << e;
  EXPECT_NE(e.find("\\w+"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  e = error_of(j);
  EXPECT_NE(e.find("use_regex=true"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"].erase("merges");
  e = error_of(j);
  EXPECT_NE(e.find("model.merges is missing"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"]["merges"] = nlohmann::json::array({"h e", "x qq"});
  e = error_of(j);
  EXPECT_NE(e.find("merge #1 'x qq'"), std::string::npos) << e;
  EXPECT_NE(e.find("'qq'"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"]["merges"] = nlohmann::json::array({"hex"});
  e = error_of(j);
  EXPECT_NE(e.find("model.merges[0]"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["normalizer"] = {{"type", "Lowercase"}};
  e = error_of(j);
  EXPECT_NE(e.find("unsupported normalizer 'Lowercase'"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"]["vocab"]["he"] = "x";
  e = error_of(j);
  EXPECT_NE(e.find("model.vocab['he'] is not an integer id"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"]["type"] = "WordPiece";
  e = error_of(j);
  EXPECT_NE(e.find("'WordPiece' is not BPE"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["added_tokens"] = nlohmann::json::array({{{"id", "seven"}, {"content", "<x>"}}});
  e = error_of(j);
  EXPECT_NE(e.find("malformed added token"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"]["vocab"].erase(byte_level_encode(" "));
  e = error_of(j);
  EXPECT_NE(e.find("no token for byte 0x20"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  e = error_of(j, R"({"add_bos_token": true, "bos_token": "<nope>"})");
  EXPECT_NE(e.find("bos_token '<nope>' is not in the vocabulary"), std::string::npos) << e;

  j = minimal_tokenizer_json();
  j["model"] = nlohmann::json::array();
  e = error_of(j);
  EXPECT_NE(e.find("no \"model\" object"), std::string::npos) << e;
}

TEST(TokenizerErrors, CorruptFiles) {
  auto v = parse_hf_tokenizer("{\"model\": {", "", "t.json");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("t.json: not valid JSON"), std::string::npos) << v.error().message;

  // A real tokenizer.json cut in half.
  std::ifstream f(fixtures_dir() + "/tokenizer/r1-qwen/tokenizer.json", std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string whole = ss.str();
  ASSERT_GT(whole.size(), 1000u);
  v = parse_hf_tokenizer(whole.substr(0, whole.size() / 2), "", "half.json");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("half.json: not valid JSON"), std::string::npos);

  auto missing = load_hf_tokenizer("/nonexistent/dir/tokenizer.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot open /nonexistent/dir/tokenizer.json"), std::string::npos);

  v = parse_hf_tokenizer(minimal_tokenizer_json().dump(), "{oops", "t.json");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("tokenizer_config.json"), std::string::npos);
}

TEST(TokenizerErrors, UnknownPreNameInVocabData) {
  TinyIds id;
  Tiny t = make_tiny(&id);
  t.v.pre = "gpt-7";
  auto tok = Tokenizer::create(t.v);
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.error().message.find("unknown pre-tokenizer 'gpt-7'"), std::string::npos) << tok.error().message;
  EXPECT_FALSE(PreTokenizer::create("").ok());

  t = make_tiny(&id);
  t.v.bos_id = 1 << 20;
  tok = Tokenizer::create(t.v);
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.error().message.find("bos token id"), std::string::npos);
}

// GGUF tokenizer metadata (written in memory with the project's writer).
Expected<VocabData> gguf_vocab_of(const std::function<void(gguf::GgufWriter&)>& fill) {
  gguf::GgufWriter w;
  w.add_string("general.architecture", "qwen2");
  fill(w);
  auto bytes = w.write_to_memory();
  if (!bytes.ok()) return bytes.error();
  auto file = gguf::GgufFile::parse(*bytes, "mem.gguf");
  if (!file.ok()) return file.error();
  return vocab_from_gguf(*file);
}

std::vector<std::string> byte_tokens() {
  std::vector<std::string> t;
  for (int b = 0; b < 256; ++b) t.push_back(byte_level_encode(std::string(1, static_cast<char>(b))));
  t.push_back("he");
  t.push_back("<x>");
  return t;
}

void good_gguf(gguf::GgufWriter& w) {
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", "qwen2");
  w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
  std::vector<int32_t> types(258, 1);
  types[257] = 3;
  w.add_i32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", {"h e"});
  w.add_u32("tokenizer.ggml.bos_token_id", 257);
  w.add_bool("tokenizer.ggml.add_bos_token", true);
}

TEST(TokenizerGgufErrors, GoodAndBadMetadata) {
  auto v = gguf_vocab_of(good_gguf);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->nfc);
  EXPECT_EQ(v->bos_id, 257);
  ASSERT_EQ(v->added_tokens.size(), 1u);
  EXPECT_TRUE(v->added_tokens[0].special);
  auto tok = Tokenizer::create(std::move(v).value());
  ASSERT_TRUE(tok.ok()) << tok.error().message;
  EXPECT_EQ(tok->encode("he<x>", {.add_bos = true}), (std::vector<int32_t>{257, 256, 257}));

  v = gguf_vocab_of([](gguf::GgufWriter& w) {
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string("tokenizer.ggml.pre", "qwen2");
    w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
    w.add_string_array("tokenizer.ggml.merges", {"h e"});
  });
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("tokenizer.ggml.model 'llama' is not supported"), std::string::npos)
      << v.error().message;

  v = gguf_vocab_of([](gguf::GgufWriter& w) {
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "starcoder");
    w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
    w.add_string_array("tokenizer.ggml.merges", {"h e"});
  });
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("unknown tokenizer.ggml.pre 'starcoder'"), std::string::npos) << v.error().message;

  v = gguf_vocab_of([](gguf::GgufWriter& w) {
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "deepseek-v3");
    w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
  });
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("no tokenizer.ggml.merges"), std::string::npos) << v.error().message;

  v = gguf_vocab_of([](gguf::GgufWriter&) {});
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("no tokenizer.ggml.model"), std::string::npos) << v.error().message;

  v = gguf_vocab_of([](gguf::GgufWriter& w) {
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "deepseek-v3");
    w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
    w.add_string_array("tokenizer.ggml.merges", {"h e"});
    w.add_u32("tokenizer.ggml.eos_token_id", 9999);
  });
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("tokenizer.ggml.eos_token_id = 9999"), std::string::npos) << v.error().message;

  v = gguf_vocab_of([](gguf::GgufWriter& w) {
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "deepseek-v3");
    w.add_string_array("tokenizer.ggml.tokens", byte_tokens());
    w.add_string_array("tokenizer.ggml.merges", {"h e"});
  });
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_FALSE(v->nfc);
}

}  // namespace
}  // namespace onboard::text::testing

namespace onboard::text::testing {
namespace {

TEST(TokenizerEmpty, DefaultConstructedIsHarmless) {
  const Tokenizer tok;
  EXPECT_EQ(tok.n_vocab(), 0);
  EXPECT_EQ(tok.encode("abc", {.add_bos = true}), std::vector<int32_t>{});
  EXPECT_EQ(tok.decode(std::vector<int32_t>{1, 2}), "");
  EXPECT_EQ(tok.bos_id(), -1);
  EXPECT_EQ(tok.find_token("a"), -1);
  EXPECT_FALSE(tok.is_special(0));
  StreamingDetokenizer d(tok);
  EXPECT_EQ(d.push(3), "");
  EXPECT_EQ(d.flush(), "");
}

}  // namespace
}  // namespace onboard::text::testing
