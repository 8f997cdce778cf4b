#include "runtime/grammar/json_schema_pattern.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/utf8_ranges.h"

namespace onboard::runtime::grammar {
namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

const Ranges kDigit = {{'0', '9'}};
const Ranges kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
// ECMAScript WhiteSpace and LineTerminator (what \s matches).
const Ranges kSpace = {{0x09, 0x0D}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A},
                       {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
const Ranges kLineTerminators = {{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}};

std::string hex8(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\U%08X", cp);
  return buf;
}

// How the JSON text spells a character JSON requires escaped.
std::string json_escape(uint32_t c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      return buf;
    }
  }
}

bool needs_escape(uint32_t c) { return c < 0x20 || c == '"' || c == '\\'; }

class RegexCompiler {
 public:
  explicit RegexCompiler(std::string_view p) : p_(p) {}

  Expected<std::string> run() {
    bool anchored_start = false, anchored_end = false;
    if (!p_.empty() && p_[0] == '^') {
      anchored_start = true;
      ++pos_;
    }
    std::string body = alternation();
    if (ok_ && pos_ < p_.size() && p_[pos_] == '$' && pos_ + 1 == p_.size()) {
      anchored_end = true;
      ++pos_;
    }
    if (ok_ && pos_ < p_.size()) fail(std::string("'") + p_[pos_] + "' here");
    if (!ok_) return make_error(ErrorCode::kUnsupported, error_);
    const std::string any = "(" + set(complement_ranges({})) + ")*";
    return (anchored_start ? "" : any + " ") + "(" + body + ")" + (anchored_end ? "" : " " + any);
  }

 private:
  void fail(const std::string& what) {
    if (!ok_) return;
    ok_ = false;
    error_ = "pattern: unsupported regex construct " + what + " at offset " + std::to_string(pos_);
  }
  bool more() const { return ok_ && pos_ < p_.size(); }
  char peek() const { return pos_ < p_.size() ? p_[pos_] : '\0'; }

  // Code points as a GBNF expression over JSON text.
  std::string set(const Ranges& ranges) {
    Ranges plain;
    std::vector<uint32_t> escaped;
    for (auto [lo, hi] : ranges) {
      for (uint32_t c = lo; c <= hi && c < 0x80; ++c)
        if (needs_escape(c)) escaped.push_back(c);
      // plain part: [lo, hi] minus the characters JSON escapes
      uint32_t start = lo;
      for (uint32_t c = lo; c <= hi && c < 0x80; ++c) {
        if (needs_escape(c)) {
          if (c > start) plain.emplace_back(start, c - 1);
          start = c + 1;
        }
      }
      if (start <= hi) plain.emplace_back(start, hi);
    }
    std::vector<std::string> alts;
    if (!plain.empty()) {
      std::string cls = "[";
      for (auto [lo, hi] : plain) cls += hex8(lo) + (hi != lo ? "-" + hex8(hi) : "");
      alts.push_back(cls + "]");
    }
    for (uint32_t c : escaped) {
      alts.push_back(gbnf_literal(json_escape(c)));
    }
    if (alts.empty()) {
      fail("(a class that matches nothing)");
      return "\"\"";
    }
    std::string out = alts[0];
    for (size_t i = 1; i < alts.size(); ++i) out += " | " + alts[i];
    return alts.size() == 1 ? out : "(" + out + ")";
  }

  uint32_t hex(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = peek();
      const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) {
        fail("(bad hex escape)");
        return 0;
      }
      v = v * 16 + static_cast<uint32_t>(d);
      ++pos_;
    }
    return v;
  }

  uint32_t source_char() {
    const auto b0 = static_cast<uint8_t>(p_[pos_]);
    int n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 1;
    if (pos_ + n > p_.size()) n = 1;
    uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (int i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<uint8_t>(p_[pos_ + i]) & 0x3F);
    pos_ += n;
    return cp;
  }

  // After a backslash: a class escape (\d ...) into `out`, else one character.
  bool escape(Ranges& out, bool in_class) {
    const char c = peek();
    ++pos_;
    switch (c) {
      case 'd': out = kDigit; return true;
      case 'D': out = complement_ranges(kDigit); return true;
      case 'w': out = kWord; return true;
      case 'W': out = complement_ranges(kWord); return true;
      case 's': out = kSpace; return true;
      case 'S': out = complement_ranges(kSpace); return true;
      case 'n': out = {{'\n', '\n'}}; return true;
      case 'r': out = {{'\r', '\r'}}; return true;
      case 't': out = {{'\t', '\t'}}; return true;
      case 'v': out = {{'\v', '\v'}}; return true;
      case 'f': out = {{'\f', '\f'}}; return true;
      case '0': out = {{0, 0}}; return true;
      case 'x': { const uint32_t v = hex(2); out = {{v, v}}; return true; }
      case 'u': {
        uint32_t v;
        if (peek() == '{') {
          ++pos_;
          v = 0;
          while (more() && peek() != '}') v = v * 16 + hex(1);
          ++pos_;
        } else {
          v = hex(4);
        }
        out = {{v, v}};
        return true;
      }
      case 'b':
        if (in_class) {
          out = {{'\b', '\b'}};
          return true;
        }
        fail("'\\b' (word boundary)");
        return false;
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '1' && c <= '9')) {
          fail(std::string("'\\") + c + "'");
          return false;
        }
        out = {{static_cast<uint8_t>(c), static_cast<uint8_t>(c)}};
        return true;
    }
  }

  std::string char_class() {
    ++pos_;  // '['
    bool negate = false;
    if (peek() == '^') {
      negate = true;
      ++pos_;
    }
    Ranges ranges;
    while (more() && peek() != ']') {
      Ranges lo;
      if (peek() == '\\') {
        ++pos_;
        if (!escape(lo, true)) return "";
      } else {
        const uint32_t c = source_char();
        lo = {{c, c}};
      }
      if (lo.size() == 1 && lo[0].first == lo[0].second && peek() == '-' && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        Ranges hi;
        if (peek() == '\\') {
          ++pos_;
          if (!escape(hi, true)) return "";
        } else {
          const uint32_t c = source_char();
          hi = {{c, c}};
        }
        if (hi.size() != 1 || hi[0].first != hi[0].second || hi[0].first < lo[0].first) {
          fail("(bad class range)");
          return "";
        }
        ranges.emplace_back(lo[0].first, hi[0].first);
      } else {
        ranges.insert(ranges.end(), lo.begin(), lo.end());
      }
    }
    if (peek() != ']') {
      fail("(unterminated class)");
      return "";
    }
    ++pos_;
    return set(negate ? complement_ranges(ranges) : ranges);
  }

  std::string atom() {
    const char c = peek();
    if (c == '(') {
      ++pos_;
      if (peek() == '?') {
        if (pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          fail("'(?' (lookaround or named group)");
          return "";
        }
      }
      std::string inner = alternation();
      if (peek() != ')') {
        fail("(unclosed group)");
        return "";
      }
      ++pos_;
      return "(" + inner + ")";
    }
    if (c == '[') return char_class();
    if (c == '.') {
      ++pos_;
      return set(complement_ranges(kLineTerminators));
    }
    if (c == '\\') {
      ++pos_;
      Ranges r;
      if (!escape(r, false)) return "";
      return set(r);
    }
    if (c == '^' || c == '$') {
      fail(std::string("'") + c + "' (an anchor not at the pattern's start or end)");
      return "";
    }
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == '}' || c == ']') {
      fail(std::string("'") + c + "' (nothing to repeat)");
      return "";
    }
    const uint32_t cp = source_char();
    return set({{cp, cp}});
  }

  int number() {
    int v = 0;
    const size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') {
      v = std::min(v * 10 + (peek() - '0'), 100000);
      ++pos_;
    }
    if (pos_ == start) fail("(quantifier without a number)");
    return v;
  }

  std::string sequence() {
    std::string out;
    while (more() && peek() != '|' && peek() != ')') {
      if (peek() == '$' && pos_ + 1 == p_.size()) break;
      std::string a = atom();
      if (!ok_) return "";
      const char q = peek();
      if (q == '*' || q == '+' || q == '?') {
        ++pos_;
        a = "(" + a + ")" + q;
      } else if (q == '{') {
        ++pos_;
        const int m = number();
        std::string rep = "{" + std::to_string(m);
        if (peek() == ',') {
          ++pos_;
          rep += ",";
          if (peek() != '}') rep += std::to_string(number());
        }
        if (peek() != '}') {
          fail("(unclosed quantifier)");
          return "";
        }
        ++pos_;
        a = "(" + a + ")" + rep + "}";
      }
      if (peek() == '?' && (q == '*' || q == '+' || q == '?' || q == '{')) ++pos_;  // lazy: same language
      out += (out.empty() ? "" : " ") + a;
    }
    return out.empty() ? "\"\"" : out;
  }

  std::string alternation() {
    std::string out = sequence();
    while (ok_ && peek() == '|') {
      ++pos_;
      out += " | " + sequence();
    }
    return out;
  }

  std::string_view p_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

}  // namespace

Expected<std::string> regex_to_gbnf(std::string_view pattern) { return RegexCompiler(pattern).run(); }

std::string json_char_gbnf() { return R"([^"\\\x00-\x1F] | "\\" ["\\/bfnrt])"; }

}  // namespace onboard::runtime::grammar
