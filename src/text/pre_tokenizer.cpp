#define PCRE2_CODE_UNIT_WIDTH 8
#include "text/pre_tokenizer.h"

#include <pcre2.h>

#include <cstdint>

namespace onboard::text {
namespace {

// `\s` as Hugging Face `tokenizers` (Oniguruma) sees it: Unicode White_Space, i.e. TAB..CR,
// SPACE, U+0085 NEL and the Zs/Zl/Zp characters. PCRE2's UCP `\s` lacks U+0085, and the JS
// port used for the fixtures (`@lenml/tokenizers`, JS RegExp) lacks U+0085 but adds U+FEFF;
// no corpus string depends on either. Written out so the build's PCRE2 does not matter.
constexpr const char* kWs =
    "\\t\\n\\x0B\\f\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
    "\\x{202F}\\x{205F}\\x{3000}";

// Replaces "{WS}" in a pattern by the whitespace ranges (only used inside [...]).
std::string with_ws(std::string p) {
  for (size_t at = p.find("{WS}"); at != std::string::npos; at = p.find("{WS}", at)) {
    p.replace(at, 4, kWs);
    at += std::char_traits<char>::length(kWs);
  }
  return p;
}

// The contraction group of the GPT-2 family regexes. The HF source writes it case-insensitive,
// (?i:'s|'t|...); spelled with explicit ASCII case pairs so that Unicode case folding (e.g.
// U+017F LATIN SMALL LETTER LONG S matching 's') does not apply, as in the reference run.
constexpr const char* kContractions = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

std::vector<std::string> gpt2_family(const char* digits) {
  std::string p = kContractions;
  p += "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|";
  p += digits;
  p += "| ?[^{WS}\\p{L}\\p{N}]+[\\r\\n]*|[{WS}]*[\\r\\n]+|[{WS}]+(?![^{WS}])|[{WS}]+";
  return {with_ws(p)};
}

struct PcreCodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
using CodePtr = std::unique_ptr<pcre2_code, PcreCodeDeleter>;

// One JIT stack per thread, shared by every pattern (PCRE2 allows that).
struct ThreadJit {
  pcre2_jit_stack* stack = nullptr;
  pcre2_match_context* mctx = nullptr;
  ThreadJit() {
    stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    mctx = pcre2_match_context_create(nullptr);
    if (stack && mctx) pcre2_jit_stack_assign(mctx, nullptr, stack);
  }
  ~ThreadJit() {
    if (mctx) pcre2_match_context_free(mctx);
    if (stack) pcre2_jit_stack_free(stack);
  }
};

pcre2_match_context* thread_match_context() {
  thread_local ThreadJit jit;
  return jit.mctx;
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};

}  // namespace

struct PreTokenizer::Impl {
  std::string name;
  std::vector<CodePtr> codes;
  std::vector<bool> jit_ok;
};

const std::vector<std::string>& PreTokenizer::known_names() {
  static const std::vector<std::string> names = {"qwen2", "deepseek-r1-qwen", "deepseek-v3", "llama-bpe"};
  return names;
}

std::vector<std::string> PreTokenizer::patterns_for(const std::string& name) {
  if (name == "qwen2" || name == "deepseek-r1-qwen") return gpt2_family("\\p{N}");
  if (name == "llama-bpe") return gpt2_family("\\p{N}{1,3}");
  if (name == "deepseek-v3") {
    return {
        "\\p{N}{1,3}",
        "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+",
        with_ws("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
                "|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                "| ?[\\p{P}\\p{S}]+[\\r\\n]*"
                "|[{WS}]*[\\r\\n]+|[{WS}]+(?![^{WS}])|[{WS}]+"),
    };
  }
  return {};
}

Expected<PreTokenizer> PreTokenizer::create(const std::string& name) {
  const std::vector<std::string> pats = patterns_for(name);
  if (pats.empty()) {
    std::string known;
    for (const auto& n : known_names()) known += (known.empty() ? "" : ", ") + n;
    return make_error(ErrorCode::kUnsupported,
                      "unknown pre-tokenizer '" + name + "' (supported: " + known + ")");
  }
  auto impl = std::make_shared<Impl>();
  impl->name = name;
  for (const std::string& p : pats) {
    int err = 0;
    PCRE2_SIZE err_off = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.data()), p.size(),
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &err_off, nullptr);
    if (!code) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(err, buf, sizeof buf);
      return make_error(ErrorCode::kInternal, "pre-tokenizer '" + name + "': regex does not compile at offset " +
                                                  std::to_string(err_off) + ": " +
                                                  reinterpret_cast<const char*>(buf));
    }
    impl->jit_ok.push_back(pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0);
    impl->codes.emplace_back(code);
  }
  PreTokenizer t;
  t.impl_ = std::move(impl);
  return t;
}

const std::string& PreTokenizer::name() const {
  static const std::string none;
  return impl_ ? impl_->name : none;
}

namespace {

struct SplitState {
  const std::vector<CodePtr>* codes;
  const std::vector<bool>* jit_ok;
  std::vector<std::unique_ptr<pcre2_match_data, MatchDataDeleter>> md;
  pcre2_match_context* mctx;
  PieceSink sink;
  void* ctx;
};

// Length of the UTF-8 character that starts with byte b (input is valid UTF-8).
inline size_t char_len(uint8_t b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }

void split_stage(SplitState& st, size_t stage, const char* s, size_t n) {
  if (n == 0) return;
  if (stage == st.codes->size()) {
    st.sink(st.ctx, s, n);
    return;
  }
  pcre2_code* code = (*st.codes)[stage].get();
  pcre2_match_data* md = st.md[stage].get();
  const bool jit = (*st.jit_ok)[stage];
  size_t pos = 0;   // where the search resumes
  size_t emitted = 0;  // end of what has been passed on
  while (pos < n) {
    int rc = jit ? pcre2_jit_match(code, reinterpret_cast<PCRE2_SPTR>(s), n, pos, 0, md, st.mctx)
                 : PCRE2_ERROR_JIT_BADOPTION;
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_JIT_BADOPTION)
      rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(s), n, pos, PCRE2_NO_UTF_CHECK, md, nullptr);
    if (rc < 0) break;  // no further match (or a resource limit: the rest stays one piece)
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t ms = ov[0], me = ov[1];
    if (me <= ms) {  // an empty match cannot make progress: skip one character
      pos = ms + char_len(static_cast<uint8_t>(s[ms < n ? ms : n - 1]));
      continue;
    }
    if (ms > emitted) split_stage(st, stage + 1, s + emitted, ms - emitted);
    split_stage(st, stage + 1, s + ms, me - ms);
    emitted = pos = me;
  }
  if (emitted < n) split_stage(st, stage + 1, s + emitted, n - emitted);
}

}  // namespace

void PreTokenizer::split(std::string_view text, PieceSink sink, void* ctx) const {
  if (!impl_) {  // default-constructed: no splitting
    if (!text.empty()) sink(ctx, text.data(), text.size());
    return;
  }
  SplitState st;
  st.codes = &impl_->codes;
  st.jit_ok = &impl_->jit_ok;
  st.mctx = thread_match_context();
  st.sink = sink;
  st.ctx = ctx;
  for (size_t k = 0; k < impl_->codes.size(); ++k)
    st.md.emplace_back(pcre2_match_data_create(1, nullptr));
  for (auto& m : st.md)
    if (!m) {  // out of memory: pass the text on whole rather than crash
      sink(ctx, text.data(), text.size());
      return;
    }
  split_stage(st, 0, text.data(), text.size());
}

}  // namespace onboard::text
