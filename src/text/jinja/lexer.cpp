#include "text/jinja/lexer.h"

#include "text/jinja/error.h"
#include "text/jinja/unicode.h"

namespace onboard::jinja {

const char* tok_name(Tok t) {
  switch (t) {
    case Tok::kText: return "Text";
    case Tok::kNumber: return "NumericLiteral";
    case Tok::kString: return "StringLiteral";
    case Tok::kIdent: return "Identifier";
    case Tok::kEquals: return "Equals";
    case Tok::kOpenParen: return "OpenParen";
    case Tok::kCloseParen: return "CloseParen";
    case Tok::kOpenStmt: return "OpenStatement";
    case Tok::kCloseStmt: return "CloseStatement";
    case Tok::kOpenExpr: return "OpenExpression";
    case Tok::kCloseExpr: return "CloseExpression";
    case Tok::kOpenSquare: return "OpenSquareBracket";
    case Tok::kCloseSquare: return "CloseSquareBracket";
    case Tok::kOpenCurly: return "OpenCurlyBracket";
    case Tok::kCloseCurly: return "CloseCurlyBracket";
    case Tok::kComma: return "Comma";
    case Tok::kDot: return "Dot";
    case Tok::kColon: return "Colon";
    case Tok::kPipe: return "Pipe";
    case Tok::kAdditive: return "AdditiveBinaryOperator";
    case Tok::kMultiplicative: return "MultiplicativeBinaryOperator";
    case Tok::kPower: return "ExponentiationBinaryOperator";
    case Tok::kComparison: return "ComparisonBinaryOperator";
    case Tok::kUnary: return "UnaryOperator";
    case Tok::kComment: return "Comment";
  }
  return "?";
}

std::string describe_position(std::string_view source, uint32_t pos) {
  if (pos == kNoPos) return "";
  size_t line = 1, col = 1;
  for (size_t i = 0; i < source.size() && i < pos;) {
    if (source[i] == '\n') {
      ++line;
      col = 1;
      ++i;
      continue;
    }
    utf8_decode(source, i);
    ++col;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

namespace {

// A string with, for every byte, its offset in the original template.
struct Mapped {
  std::string s;
  std::vector<uint32_t> at;
  void push(char c, uint32_t p) { s += c; at.push_back(p); }
  void append(const Mapped& o, size_t b, size_t e) {
    for (size_t k = b; k < e; ++k) push(o.s[k], o.at[k]);
  }
};

bool is_line_start(const std::string& s, size_t p) {
  if (p == 0) return true;
  const char c = s[p - 1];
  if (c == '\n' || c == '\r') return true;
  return p >= 3 && static_cast<unsigned char>(s[p - 3]) == 0xE2 && static_cast<unsigned char>(s[p - 2]) == 0x80 &&
         (static_cast<unsigned char>(s[p - 1]) == 0xA8 || static_cast<unsigned char>(s[p - 1]) == 0xA9);
}

// Length of a JS whitespace code point at p (0 if none).
size_t space_at(const std::string& s, size_t p) {
  if (p >= s.size()) return 0;
  size_t j = p;
  return js_is_space(utf8_decode(s, j)) ? j - p : 0;
}
// Length of a JS whitespace code point ending at p (0 if none).
size_t space_before(const std::string& s, size_t p, size_t floor) {
  if (p <= floor) return 0;
  size_t st = p - 1;
  while (st > floor && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
  size_t j = st;
  if (js_is_space(utf8_decode(s, j)) && j == p) return p - st;
  return 0;
}

Mapped preprocess(std::string_view source) {
  Mapped m;
  m.s.reserve(source.size());
  m.at.reserve(source.size());
  size_t n = source.size();
  if (n > 0 && source[n - 1] == '\n') --n;
  for (size_t k = 0; k < n; ++k) m.push(source[k], static_cast<uint32_t>(k));

  // lstrip_blocks: /^[ \t]*({[#%-])/gm -> "$1"
  Mapped a;
  for (size_t p = 0; p < m.s.size();) {
    if (is_line_start(m.s, p)) {
      size_t q = p;
      while (q < m.s.size() && (m.s[q] == ' ' || m.s[q] == '\t')) ++q;
      if (q + 1 < m.s.size() && m.s[q] == '{' && (m.s[q + 1] == '#' || m.s[q + 1] == '%' || m.s[q + 1] == '-')) {
        a.append(m, q, q + 2);
        p = q + 2;
        continue;
      }
    }
    a.push(m.s[p], m.at[p]);
    ++p;
  }
  // trim_blocks: /([#%-]})\n/g -> "$1"
  Mapped b;
  for (size_t p = 0; p < a.s.size();) {
    if (p + 2 < a.s.size() && (a.s[p] == '#' || a.s[p] == '%' || a.s[p] == '-') && a.s[p + 1] == '}' &&
        a.s[p + 2] == '\n') {
      b.append(a, p, p + 2);
      p += 3;
      continue;
    }
    b.push(a.s[p], a.at[p]);
    ++p;
  }
  // /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs -> (lstrip ? "" : before) + (rstrip ? "" : after)
  Mapped c;
  size_t prev_end = 0;
  for (size_t p = 0; p + 1 < b.s.size(); ++p) {
    if (b.s[p] != '{' || b.s[p + 1] != '%') continue;
    size_t q = p + 2;
    const bool lstrip = q < b.s.size() && b.s[q] == '-';
    if (lstrip) ++q;
    while (size_t w = space_at(b.s, q)) q += w;
    if (b.s.compare(q, 3, "end") == 0 && b.s.compare(q + 3, 10, "generation") == 0) q += 3;
    if (b.s.compare(q, 10, "generation") != 0) continue;
    q += 10;
    while (size_t w = space_at(b.s, q)) q += w;
    const bool rstrip = q < b.s.size() && b.s[q] == '-';
    if (rstrip) ++q;
    if (b.s.compare(q, 2, "%}") != 0) continue;
    q += 2;
    size_t before = p;
    while (size_t w = space_before(b.s, before, prev_end)) before -= w;
    size_t after = q;
    while (size_t w = space_at(b.s, after)) after += w;
    c.append(b, prev_end, before);
    if (!lstrip) c.append(b, before, p);
    if (!rstrip) c.append(b, q, after);
    prev_end = after;
    p = after - 1;
  }
  c.append(b, prev_end, b.s.size());
  return c;
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Lexer {
  Mapped src;
  size_t cur = 0;
  std::vector<Token> tokens;
  uint32_t src_end_pos = 0;

  uint32_t pos_of(size_t k) const { return k < src.at.size() ? src.at[k] : src_end_pos; }
  bool at(size_t k, char c) const { return k < src.s.size() && src.s[k] == c; }
  bool starts(size_t k, std::string_view t) const { return src.s.compare(k, t.size(), t) == 0; }
  void push(Tok t, std::string v, size_t start) { tokens.push_back(Token{t, std::move(v), pos_of(start)}); }

  // consumeWhile with escapes; throws at end of input like the reference.
  std::string consume_string(char quote) {
    std::string out;
    const size_t start = cur;
    while (cur < src.s.size() && src.s[cur] != quote) {
      if (src.s[cur] == '\\') {
        ++cur;
        if (cur >= src.s.size()) fail("Unexpected end of input (unterminated string)", pos_of(start));
        const char e = src.s[cur++];
        if (e == 'x' || e == 'u') {
          const size_t len = e == 'x' ? 2 : 4;
          if (cur + len > src.s.size()) fail(std::string("Invalid hexadecimal escape sequence: \\") + e, pos_of(cur - 2));
          unsigned v = 0;
          for (size_t k = 0; k < len; ++k) {
            const char h = src.s[cur + k];
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) fail(std::string("Invalid hexadecimal escape sequence: \\") + e + src.s.substr(cur, len), pos_of(cur - 2));
            v = v * 16 + static_cast<unsigned>(d);
          }
          cur += len;
          // Combine a UTF-16 surrogate pair written as two \u escapes.
          if (v >= 0xD800 && v <= 0xDBFF && starts(cur, "\\u") && cur + 6 <= src.s.size()) {
            unsigned lo = 0;
            bool okhex = true;
            for (size_t k = 0; k < 4; ++k) {
              const char h = src.s[cur + 2 + k];
              int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
              if (d < 0) okhex = false;
              lo = lo * 16 + static_cast<unsigned>(d < 0 ? 0 : d);
            }
            if (okhex && lo >= 0xDC00 && lo <= 0xDFFF) {
              v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
              cur += 6;
            }
          }
          utf8_append(out, v);
          continue;
        }
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'v': out += '\v'; break;
          case '\'': out += '\''; break;
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          default: fail(std::string("Unexpected escaped character: ") + e, pos_of(cur - 2));
        }
        continue;
      }
      out += src.s[cur++];
    }
    if (cur >= src.s.size()) fail("Unexpected end of input (unterminated string)", pos_of(start));
    return out;
  }

  void strip_trailing_whitespace() {
    if (!tokens.empty() && tokens.back().type == Tok::kText) {
      tokens.back().value = js_trim(tokens.back().value, false, true);
      if (tokens.back().value.empty()) tokens.pop_back();
    }
  }
  void skip_leading_whitespace() {
    while (size_t w = space_at(src.s, cur)) cur += w;
  }

  void run() {
    int curly_depth = 0;
    const std::string& s = src.s;
    while (cur < s.size()) {
      const Tok* last = tokens.empty() ? nullptr : &tokens.back().type;
      if (!last || *last == Tok::kCloseStmt || *last == Tok::kCloseExpr || *last == Tok::kComment) {
        const size_t start = cur;
        while (cur < s.size() && !(s[cur] == '{' && (at(cur + 1, '%') || at(cur + 1, '{') || at(cur + 1, '#')))) ++cur;
        if (cur > start) {
          push(Tok::kText, s.substr(start, cur - start), start);
          continue;
        }
      }
      if (s[cur] == '{' && at(cur + 1, '#')) {
        const size_t start = cur;
        cur += 2;
        const bool strip_before = at(cur, '-');
        if (strip_before) ++cur;
        std::string comment;
        while (!(at(cur, '#') && at(cur + 1, '}'))) {
          if (cur + 2 >= s.size()) fail("Missing end of comment tag", pos_of(start));
          comment += s[cur++];
        }
        const bool strip_after = !comment.empty() && comment.back() == '-';
        if (strip_after) comment.pop_back();
        if (strip_before) strip_trailing_whitespace();
        push(Tok::kComment, comment, start);
        cur += 2;
        if (strip_after) skip_leading_whitespace();
        continue;
      }
      if (starts(cur, "{%-")) {
        strip_trailing_whitespace();
        push(Tok::kOpenStmt, "{%", cur);
        cur += 3;
        continue;
      }
      if (starts(cur, "{{-")) {
        strip_trailing_whitespace();
        push(Tok::kOpenExpr, "{{", cur);
        curly_depth = 0;
        cur += 3;
        continue;
      }
      // consumeWhile(isWhitespace): throws when whitespace runs to the end.
      while (size_t w = space_at(s, cur)) {
        cur += w;
        if (cur >= s.size()) fail("Unexpected end of input", pos_of(cur - 1));
      }
      if (starts(cur, "-%}")) {
        push(Tok::kCloseStmt, "%}", cur);
        cur += 3;
        skip_leading_whitespace();
        continue;
      }
      if (starts(cur, "-}}")) {
        push(Tok::kCloseExpr, "}}", cur);
        cur += 3;
        skip_leading_whitespace();
        continue;
      }
      const char ch = s[cur];
      if (ch == '-' || ch == '+') {
        const Tok* lt = tokens.empty() ? nullptr : &tokens.back().type;
        if (!lt || *lt == Tok::kText) fail(std::string("Unexpected character: ") + ch, pos_of(cur));
        const bool binary = *lt == Tok::kIdent || *lt == Tok::kNumber || *lt == Tok::kString ||
                            *lt == Tok::kCloseParen || *lt == Tok::kCloseSquare;
        if (!binary) {
          const size_t start = cur;
          ++cur;
          std::string num;
          while (cur < s.size() && is_digit(s[cur])) num += s[cur++];
          if (!num.empty() && at(cur, '.') && cur + 1 < s.size() && is_digit(s[cur + 1])) {
            ++cur;
            std::string frac;
            while (cur < s.size() && is_digit(s[cur])) frac += s[cur++];
            num += "." + frac;
          }
          push(num.empty() ? Tok::kUnary : Tok::kNumber, std::string(1, ch) + num, start);
          continue;
        }
      }
      static const struct { const char* seq; Tok type; } kTable[] = {
          {"{%", Tok::kOpenStmt}, {"%}", Tok::kCloseStmt}, {"{{", Tok::kOpenExpr}, {"}}", Tok::kCloseExpr},
          {"(", Tok::kOpenParen}, {")", Tok::kCloseParen}, {"{", Tok::kOpenCurly}, {"}", Tok::kCloseCurly},
          {"[", Tok::kOpenSquare}, {"]", Tok::kCloseSquare}, {",", Tok::kComma}, {".", Tok::kDot},
          {":", Tok::kColon}, {"|", Tok::kPipe}, {"<=", Tok::kComparison}, {">=", Tok::kComparison},
          {"==", Tok::kComparison}, {"!=", Tok::kComparison}, {"<", Tok::kComparison}, {">", Tok::kComparison},
          {"+", Tok::kAdditive}, {"-", Tok::kAdditive}, {"~", Tok::kAdditive}, {"**", Tok::kPower},
          {"*", Tok::kMultiplicative}, {"//", Tok::kMultiplicative}, {"/", Tok::kMultiplicative},
          {"%", Tok::kMultiplicative}, {"=", Tok::kEquals}};
      bool matched = false;
      for (const auto& e : kTable) {
        if (e.type == Tok::kCloseExpr && curly_depth > 0) continue;
        if (starts(cur, e.seq)) {
          push(e.type, e.seq, cur);
          if (e.type == Tok::kOpenExpr) curly_depth = 0;
          else if (e.type == Tok::kOpenCurly) ++curly_depth;
          else if (e.type == Tok::kCloseCurly) --curly_depth;
          cur += std::char_traits<char>::length(e.seq);
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (ch == '\'' || ch == '"') {
        const size_t start = cur;
        ++cur;
        std::string str = consume_string(ch);
        push(Tok::kString, std::move(str), start);
        ++cur;
        continue;
      }
      if (is_digit(ch)) {
        const size_t start = cur;
        std::string num;
        while (cur < s.size() && is_digit(s[cur])) num += s[cur++];
        if (cur >= s.size()) fail("Unexpected end of input", pos_of(start));
        const bool after_dot = !tokens.empty() && tokens.back().type == Tok::kDot;
        if (!after_dot && at(cur, '.') && cur + 1 < s.size() && is_digit(s[cur + 1])) {
          ++cur;
          num += '.';
          while (cur < s.size() && is_digit(s[cur])) num += s[cur++];
          if (cur >= s.size()) fail("Unexpected end of input", pos_of(start));
        }
        push(Tok::kNumber, std::move(num), start);
        continue;
      }
      if (is_word(ch)) {
        const size_t start = cur;
        while (cur < s.size() && is_word(s[cur])) ++cur;
        if (cur >= s.size()) fail("Unexpected end of input", pos_of(start));
        push(Tok::kIdent, s.substr(start, cur - start), start);
        continue;
      }
      size_t j = cur;
      std::string shown;
      utf8_append(shown, utf8_decode(s, j));
      fail("Unexpected character: " + shown, pos_of(cur));
    }
  }
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
  Lexer lx;
  lx.src = preprocess(source);
  lx.src_end_pos = static_cast<uint32_t>(source.size());
  lx.run();
  return std::move(lx.tokens);
}

}  // namespace onboard::jinja
