#include "text/tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "text/bpe.h"
#include "text/byte_level.h"
#include "text/pre_tokenizer.h"
#include "text/utf8.h"

namespace onboard::text {
namespace {

// Unicode White_Space (what Rust's char::is_whitespace tests; HF lstrip/rstrip use it).
bool is_white_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_word_char(uint32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// Code point of the character that ends at s[end) (valid UTF-8 assumed where it matters), or
// false when none can be decoded.
bool char_before(std::string_view s, size_t end, uint32_t* cp, size_t* len) {
  for (size_t back = 1; back <= 4 && back <= end; ++back) {
    const uint8_t b = static_cast<uint8_t>(s[end - back]);
    if ((b & 0xC0) == 0x80) continue;
    const size_t l = utf8_decode(s, end - back, cp);
    if (l != back) return false;
    *len = l;
    return true;
  }
  return false;
}

// A byte trie over added-token contents.
class TokenTrie {
 public:
  void insert(std::string_view s, int32_t index) {
    if (nodes_.empty()) nodes_.emplace_back();
    int32_t cur = 0;
    for (char ch : s) {
      const uint8_t b = static_cast<uint8_t>(ch);
      int32_t nxt = child(cur, b);
      if (nxt < 0) {
        nxt = static_cast<int32_t>(nodes_.size());
        nodes_[cur].kids.emplace_back(b, nxt);
        nodes_.emplace_back();
      }
      cur = nxt;
    }
    first_[static_cast<uint8_t>(s[0])] = true;
    if (nodes_[cur].index < 0) nodes_[cur].index = index;  // duplicate contents: first one wins
  }
  bool empty() const { return nodes_.empty(); }
  bool may_start(uint8_t b) const { return first_[b]; }
  // Calls f(index, length) for every token that is a prefix of s, shortest first.
  template <typename F>
  void prefixes(std::string_view s, F&& f) const {
    int32_t cur = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      cur = child(cur, static_cast<uint8_t>(s[i]));
      if (cur < 0) return;
      if (nodes_[cur].index >= 0) f(nodes_[cur].index, i + 1);
    }
  }

 private:
  struct Node {
    int32_t index = -1;
    std::vector<std::pair<uint8_t, int32_t>> kids;
  };
  int32_t child(int32_t node, uint8_t b) const {
    for (const auto& [kb, k] : nodes_[node].kids)
      if (kb == b) return k;
    return -1;
  }
  std::vector<Node> nodes_;
  std::array<bool, 256> first_{};
};

std::atomic<uint64_t> g_next_serial{1};

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Per-thread cache of BPE results for repeated pieces, for one tokenizer at a time (keyed by a
// serial number that is never reused, so a new tokenizer at an old address starts empty).
struct WordCache {
  static constexpr size_t kMaxEntries = 1 << 16;
  static constexpr size_t kMaxPieceBytes = 64;
  uint64_t owner = 0;
  std::unordered_map<std::string, std::pair<uint32_t, uint32_t>, SvHash, std::equal_to<>> map;
  std::vector<int32_t> ids;

  static WordCache& for_tokenizer(uint64_t serial) {
    thread_local WordCache cache;
    if (cache.owner != serial) {
      cache.clear();
      cache.owner = serial;
    }
    return cache;
  }
  void clear() {
    map.clear();
    ids.clear();
  }
};

}  // namespace

struct Tokenizer::Impl {
  uint64_t serial = g_next_serial.fetch_add(1);
  VocabData vocab;
  std::vector<std::string> pieces;     // decoded bytes per id
  std::vector<uint8_t> special;        // per id: decode(skip_special) drops it
  std::unordered_map<std::string, int32_t> by_text;   // file string -> id
  std::unordered_map<std::string, int32_t> by_bytes;  // raw bytes -> id (ignore_merges only)
  std::array<int32_t, 256> byte_ids{};
  BpeModel bpe;
  PreTokenizer pre;
  TokenTrie raw_trie;   // added tokens matched on the raw input
  TokenTrie norm_trie;  // added tokens matched after normalization

  void split_added(std::string_view text, const TokenTrie& trie, bool parse_special, std::vector<int32_t>& out,
                   bool normalized_stage) const;
  void encode_fragment(std::string_view frag, bool parse_special, std::vector<int32_t>& out) const;
  void encode_valid(std::string_view text, bool parse_special, std::vector<int32_t>& out) const;
  void encode_normalized(std::string_view text, std::vector<int32_t>& out) const;
};

void Tokenizer::Impl::split_added(std::string_view text, const TokenTrie& trie, bool parse_special,
                                  std::vector<int32_t>& out, bool normalized_stage) const {
  auto emit_text = [&](size_t b, size_t e) {
    if (e <= b) return;
    if (normalized_stage)
      encode_normalized(text.substr(b, e - b), out);
    else
      encode_fragment(text.substr(b, e - b), parse_special, out);
  };
  if (trie.empty()) {
    emit_text(0, text.size());
    return;
  }
  const size_t n = text.size();
  size_t last = 0;  // end of what has been handed on
  size_t i = 0;
  while (i < n) {
    if (!trie.may_start(static_cast<uint8_t>(text[i]))) {
      ++i;
      continue;
    }
    int32_t best = -1;
    size_t best_len = 0;
    trie.prefixes(text.substr(i), [&](int32_t idx, size_t len) {
      const AddedToken& t = vocab.added_tokens[static_cast<size_t>(idx)];
      if (t.special && !parse_special) return;
      if (t.single_word) {
        uint32_t cp;
        size_t l;
        if (i > 0 && char_before(text, i, &cp, &l) && is_word_char(cp)) return;
        if (i + len < n && utf8_decode(text, i + len, &cp) && is_word_char(cp)) return;
      }
      best = idx;
      best_len = len;  // prefixes come shortest first: the last accepted is the longest
    });
    if (best < 0) {
      ++i;
      continue;
    }
    const AddedToken& t = vocab.added_tokens[static_cast<size_t>(best)];
    size_t start = i, end = i + best_len;
    if (t.lstrip) {
      uint32_t cp;
      size_t l;
      while (start > last && char_before(text, start, &cp, &l) && is_white_space(cp)) start -= l;
    }
    if (t.rstrip) {
      uint32_t cp;
      size_t l;
      while (end < n && (l = utf8_decode(text, end, &cp)) > 0 && is_white_space(cp)) end += l;
    }
    emit_text(last, start);
    out.push_back(t.id);
    last = i = end;
  }
  emit_text(last, n);
}

void Tokenizer::Impl::encode_fragment(std::string_view frag, bool parse_special, std::vector<int32_t>& out) const {
  // Well-formed runs go through normalization and pre-tokenization; each byte that is not part
  // of a well-formed sequence becomes its own single-byte token.
  const size_t n = frag.size();
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    uint32_t cp;
    while (j < n) {
      if (static_cast<uint8_t>(frag[j]) < 0x80) {
        ++j;
        continue;
      }
      const size_t len = utf8_decode(frag, j, &cp);
      if (len == 0) break;
      j += len;
    }
    if (j > i) encode_valid(frag.substr(i, j - i), parse_special, out);
    if (j < n) out.push_back(byte_ids[static_cast<uint8_t>(frag[j])]);
    i = j + 1;
  }
}

void Tokenizer::Impl::encode_valid(std::string_view text, bool parse_special, std::vector<int32_t>& out) const {
  std::string normalized;
  if (vocab.nfc && utf8_nfc_into(text, &normalized)) text = normalized;
  split_added(text, norm_trie, parse_special, out, /*normalized_stage=*/true);
}

namespace {
struct SinkCtx {
  const BpeModel* bpe;
  const std::unordered_map<std::string, int32_t>* by_bytes;  // null unless ignore_merges
  std::vector<int32_t>* out;
  WordCache* cache;
  std::string key;
};

void bpe_sink(void* p, const char* data, size_t size) {
  auto* c = static_cast<SinkCtx*>(p);
  if (size > 1 && c->by_bytes) {
    c->key.assign(data, size);
    auto it = c->by_bytes->find(c->key);
    if (it != c->by_bytes->end()) {
      c->out->push_back(it->second);
      return;
    }
  }
  if (size < 2 || size > WordCache::kMaxPieceBytes) {
    c->bpe->encode_piece(data, size, *c->out);
    return;
  }
  WordCache& wc = *c->cache;
  const std::string_view word(data, size);
  auto it = wc.map.find(word);
  if (it != wc.map.end()) {
    const auto [off, len] = it->second;
    c->out->insert(c->out->end(), wc.ids.begin() + off, wc.ids.begin() + off + len);
    return;
  }
  const size_t before = c->out->size();
  c->bpe->encode_piece(data, size, *c->out);
  if (wc.map.size() >= WordCache::kMaxEntries) wc.clear();
  const auto off = static_cast<uint32_t>(wc.ids.size());
  wc.ids.insert(wc.ids.end(), c->out->begin() + static_cast<std::ptrdiff_t>(before), c->out->end());
  wc.map.emplace(std::string(word), std::make_pair(off, static_cast<uint32_t>(c->out->size() - before)));
}
}  // namespace

void Tokenizer::Impl::encode_normalized(std::string_view text, std::vector<int32_t>& out) const {
  SinkCtx ctx{&bpe, vocab.ignore_merges ? &by_bytes : nullptr, &out, &WordCache::for_tokenizer(serial), {}};
  pre.split(text, &bpe_sink, &ctx);
}

Expected<Tokenizer> Tokenizer::create(VocabData v) {
  const size_t n = v.tokens.size();
  if (n == 0) return make_error(ErrorCode::kInvalidArgument, "tokenizer: the vocabulary has no tokens");
  if (n > 0x7FFFFFF0u) return make_error(ErrorCode::kInvalidArgument, "tokenizer: vocabulary too large");
  if (v.token_types.empty()) v.token_types.assign(n, TokenType::kNormal);
  if (v.token_types.size() != n)
    return make_error(ErrorCode::kInvalidArgument, "tokenizer: " + std::to_string(v.token_types.size()) +
                                                       " token types for " + std::to_string(n) + " tokens");
  const std::pair<const char*, int32_t> ids[] = {
      {"bos", v.bos_id}, {"eos", v.eos_id}, {"pad", v.pad_id}, {"eot", v.eot_id}};
  for (const auto& [what, id] : ids)
    if (id < -1 || id >= static_cast<int64_t>(n))
      return make_error(ErrorCode::kInvalidArgument, std::string("tokenizer: ") + what + " token id " +
                                                         std::to_string(id) + " is outside the vocabulary (" +
                                                         std::to_string(n) + " tokens)");
  auto pre = PreTokenizer::create(v.pre);
  if (!pre.ok()) return Error{pre.error().code, "tokenizer: " + pre.error().message};

  auto impl = std::make_shared<Impl>();
  impl->pre = std::move(pre).value();

  // File string -> id. Normal and byte tokens take precedence over added ones with the same text.
  impl->by_text.reserve(n * 2);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t id = 0; id < n; ++id) {
      const TokenType t = v.token_types[id];
      const bool base = t == TokenType::kNormal || t == TokenType::kByte || t == TokenType::kUndefined;
      if (base == (pass == 0)) impl->by_text.emplace(v.tokens[id], static_cast<int32_t>(id));
    }

  for (int b = 0; b < 256; ++b) {
    const std::string s = byte_level_encode(std::string(1, static_cast<char>(b)));
    auto it = impl->by_text.find(s);
    if (it == impl->by_text.end()) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      return make_error(ErrorCode::kInvalidArgument,
                        std::string("tokenizer: the vocabulary has no token for byte ") + hex + " ('" + s + "')");
    }
    impl->byte_ids[static_cast<size_t>(b)] = it->second;
  }

  std::vector<BpeModel::Merge> merges;
  merges.reserve(v.merges.size());
  std::string joined;
  for (size_t r = 0; r < v.merges.size(); ++r) {
    const auto& [a, b] = v.merges[r];
    auto ia = impl->by_text.find(a), ib = impl->by_text.find(b);
    joined.assign(a).append(b);
    auto ij = impl->by_text.find(joined);
    const std::string* missing = ia == impl->by_text.end()   ? &a
                                 : ib == impl->by_text.end() ? &b
                                 : ij == impl->by_text.end() ? &joined
                                                             : nullptr;
    if (missing)
      return make_error(ErrorCode::kInvalidArgument, "tokenizer: merge #" + std::to_string(r) + " '" + a + " " + b +
                                                         "' uses '" + *missing +
                                                         "', which is not in the vocabulary");
    merges.push_back({ia->second, ib->second, ij->second});
  }
  impl->bpe = BpeModel(impl->byte_ids, merges);

  impl->pieces.resize(n);
  impl->special.assign(n, 0);
  for (size_t id = 0; id < n; ++id)
    if (v.token_types[id] != TokenType::kUnused) impl->pieces[id] = byte_level_decode_token(v.tokens[id]);

  for (size_t k = 0; k < v.added_tokens.size(); ++k) {
    AddedToken& t = v.added_tokens[k];
    if (t.id < 0 || t.id >= static_cast<int64_t>(n))
      return make_error(ErrorCode::kInvalidArgument, "tokenizer: added token '" + t.content + "' has id " +
                                                         std::to_string(t.id) + ", outside the vocabulary");
    if (t.content.empty())
      return make_error(ErrorCode::kInvalidArgument,
                        "tokenizer: added token " + std::to_string(t.id) + " has empty content");
    if (t.special) impl->special[static_cast<size_t>(t.id)] = 1;
    if (t.normalized) {
      if (v.nfc && utf8_is_valid(t.content)) t.content = utf8_nfc(t.content);
      impl->norm_trie.insert(t.content, static_cast<int32_t>(k));
    } else {
      impl->raw_trie.insert(t.content, static_cast<int32_t>(k));
    }
  }

  if (v.ignore_merges) {
    for (size_t id = 0; id < n; ++id) {
      const TokenType t = v.token_types[id];
      if (t == TokenType::kNormal || t == TokenType::kByte)
        impl->by_bytes.emplace(byte_level_decode_token(v.tokens[id]), static_cast<int32_t>(id));
    }
  }
  impl->vocab = std::move(v);
  Tokenizer tok;
  tok.impl_ = std::move(impl);
  return tok;
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  std::vector<int32_t> out;
  if (!impl_) return out;
  out.reserve(text.size() / 3 + 4);
  const Impl& m = *impl_;
  if (options.add_bos && m.vocab.bos_id >= 0) out.push_back(m.vocab.bos_id);
  m.split_added(text, m.raw_trie, options.parse_special, out, /*normalized_stage=*/false);
  if (options.add_eos && m.vocab.eos_id >= 0) out.push_back(m.vocab.eos_id);
  return out;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special) const {
  if (!impl_) return {};
  const Impl& m = *impl_;
  std::string bytes;
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= m.pieces.size()) continue;
    if (skip_special && m.special[static_cast<size_t>(id)]) continue;
    bytes += m.pieces[static_cast<size_t>(id)];
  }
  return utf8_is_valid(bytes) ? bytes : utf8_lossy(bytes);
}

std::string_view Tokenizer::token_piece(int32_t id) const {
  if (!impl_ || id < 0 || static_cast<size_t>(id) >= impl_->pieces.size()) return {};
  return impl_->pieces[static_cast<size_t>(id)];
}

std::string_view Tokenizer::token_text(int32_t id) const {
  if (!impl_ || id < 0 || static_cast<size_t>(id) >= impl_->vocab.tokens.size()) return {};
  return impl_->vocab.tokens[static_cast<size_t>(id)];
}

int32_t Tokenizer::find_token(std::string_view token_text) const {
  if (!impl_) return -1;
  auto it = impl_->by_text.find(std::string(token_text));
  return it == impl_->by_text.end() ? -1 : it->second;
}

int32_t Tokenizer::n_vocab() const { return static_cast<int32_t>(vocab().tokens.size()); }
int32_t Tokenizer::bos_id() const { return vocab().bos_id; }
int32_t Tokenizer::eos_id() const { return vocab().eos_id; }
int32_t Tokenizer::pad_id() const { return vocab().pad_id; }
int32_t Tokenizer::eot_id() const { return vocab().eot_id; }
bool Tokenizer::add_bos() const { return vocab().add_bos; }
bool Tokenizer::add_eos() const { return vocab().add_eos; }

bool Tokenizer::is_special(int32_t id) const {
  return impl_ && id >= 0 && static_cast<size_t>(id) < impl_->special.size() &&
         impl_->special[static_cast<size_t>(id)];
}

TokenType Tokenizer::token_type(int32_t id) const {
  if (!impl_ || id < 0 || static_cast<size_t>(id) >= impl_->vocab.token_types.size()) return TokenType::kUndefined;
  return impl_->vocab.token_types[static_cast<size_t>(id)];
}

bool Tokenizer::is_control(int32_t id) const { return token_type(id) == TokenType::kControl; }

const VocabData& Tokenizer::vocab() const {
  static const VocabData empty;
  return impl_ ? impl_->vocab : empty;
}

}  // namespace onboard::text
