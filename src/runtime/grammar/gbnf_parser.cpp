#include "runtime/grammar/gbnf_parser.h"

#include "text/utf8.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "runtime/grammar/utf8_ranges.h"

namespace onboard::runtime::grammar {
namespace {

// Repetition counts past this are refused: each repetition is a copy of the item.
constexpr uint32_t kMaxRepeat = 10000;
constexpr size_t kMaxNesting = 256;

using Sequence = std::vector<Elem>;
using Alternatives = std::vector<Sequence>;

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  Expected<Grammar> run() {
    skip_space(true);
    while (ok_ && pos_ < src_.size()) {
      parse_rule();
      skip_space(true);
    }
    if (ok_) check_references();
    if (ok_) build();
    if (ok_) check_left_recursion();
    if (!ok_) return make_error(ErrorCode::kInvalidArgument, error_);
    return std::move(g_);
  }

 private:
  struct RuleInfo {
    Alternatives alts;
    bool defined = false, user = false;
    size_t first_use = 0, defined_at = 0;
  };

  void fail(size_t at, const std::string& msg) {
    if (!ok_) return;
    ok_ = false;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at && i < src_.size(); ++i) {
      if (src_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    error_ = "grammar:" + std::to_string(line) + ":" + std::to_string(col) + ": " + msg;
  }

  bool eof() const { return pos_ >= src_.size(); }
  char peek(size_t k = 0) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }

  void skip_space(bool newline_ok) {
    while (!eof()) {
      const char c = peek();
      if (c == '#') {
        while (!eof() && peek() != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || (newline_ok && (c == '\n' || c == '\r'))) {
        ++pos_;
      } else {
        break;
      }
    }
  }

  static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

  std::string parse_name() {
    const size_t start = pos_;
    while (!eof() && is_name_char(peek())) ++pos_;
    if (pos_ == start) fail(start, "expected a rule name");
    return std::string(src_.substr(start, pos_ - start));
  }

  uint32_t rule_id(const std::string& name, size_t at) {
    auto [it, inserted] = ids_.emplace(name, static_cast<uint32_t>(rules_.size()));
    if (inserted) {
      rules_.push_back({});
      names_.push_back(name);
      rules_.back().first_use = at;
    }
    return it->second;
  }

  uint32_t synthetic_rule(const std::string& base, Alternatives alts) {
    const std::string name = base + "-" + std::to_string(rules_.size());
    const uint32_t id = rule_id(name, pos_);
    rules_[id].alts = std::move(alts);
    rules_[id].defined = true;
    return id;
  }

  uint32_t set_id(const ByteSet& s) {
    for (size_t i = 0; i < g_.sets.size(); ++i)
      if (g_.sets[i] == s) return static_cast<uint32_t>(i);
    g_.sets.push_back(s);
    return static_cast<uint32_t>(g_.sets.size() - 1);
  }

  Elem byte_elem(uint8_t lo, uint8_t hi) {
    ByteSet s;
    s.add_range(lo, hi);
    return {ElemKind::kBytes, set_id(s)};
  }

  // One UTF-8 code point of the source (invalid bytes are taken as they are).
  uint32_t decode_source_char() {
    const auto b0 = static_cast<uint8_t>(peek());
    int n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 1;
    if (pos_ + n > src_.size()) n = 1;
    uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (int i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<uint8_t>(src_[pos_ + i]) & 0x3F);
    pos_ += n;
    return cp;
  }

  uint32_t parse_hex(int digits) {
    uint32_t v = 0;
    for (int i = 0; i < digits; ++i) {
      const char c = peek();
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) {
        fail(pos_, "expected " + std::to_string(digits) + " hex digits");
        return 0;
      }
      v = v * 16 + static_cast<uint32_t>(d);
      ++pos_;
    }
    return v;
  }

  // A character inside a literal or class, escapes resolved. `raw_byte` is set for \xHH.
  uint32_t parse_char() {
    if (peek() != '\\') return decode_source_char();
    const size_t at = pos_;
    ++pos_;
    const char c = peek();
    ++pos_;
    switch (c) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '\\': case '"': case '[': case ']': case '-': case '^': case '/': return static_cast<uint8_t>(c);
      case 'x': return parse_hex(2);
      case 'u': return parse_hex(4);
      case 'U': return parse_hex(8);
      default:
        fail(at, std::string("unknown escape '\\") + (c ? std::string(1, c) : std::string()) + "'");
        return 0;
    }
  }

  void parse_literal(Sequence& seq) {
    const size_t start = pos_;
    ++pos_;  // opening quote
    while (ok_ && peek() != '"') {
      if (eof() || peek() == '\n') {
        fail(start, "unterminated string literal");
        return;
      }
      const uint32_t cp = parse_char();
      if (cp > 0x10FFFF) {
        fail(start, "code point out of range in literal");
        return;
      }
      std::string bytes;
      text::utf8_append(bytes, cp);
      for (char b : bytes) seq.push_back(byte_elem(static_cast<uint8_t>(b), static_cast<uint8_t>(b)));
    }
    ++pos_;
  }

  // Code point ranges as one element: a byte set when all are ASCII, else a code point class.
  Elem class_elem(std::vector<std::pair<uint32_t, uint32_t>> ranges) {
    CodePointClass cls;
    for (const auto& s : utf8_sequences(ranges)) cls.first_bytes.add_range(s[0].lo, s[0].hi);
    std::sort(ranges.begin(), ranges.end());
    for (auto r : ranges) {
      if (!cls.ranges.empty() && r.first <= cls.ranges.back().second + 1) cls.ranges.back().second = std::max(cls.ranges.back().second, r.second);
      else cls.ranges.push_back(r);
    }
    if (!cls.ranges.empty() && cls.ranges.back().second >= 0x80) {
      g_.classes.push_back(std::move(cls));
      return {ElemKind::kClass, static_cast<uint32_t>(g_.classes.size() - 1)};
    }
    return {ElemKind::kBytes, set_id(cls.first_bytes)};  // ASCII only (or empty: matches nothing)
  }

  void parse_class(Sequence& seq) {
    const size_t start = pos_;
    ++pos_;  // '['
    bool negate = false;
    if (peek() == '^') {
      negate = true;
      ++pos_;
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    while (ok_ && peek() != ']') {
      if (eof()) {
        fail(start, "unterminated character class");
        return;
      }
      const uint32_t lo = parse_char();
      uint32_t hi = lo;
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < src_.size()) {
        ++pos_;
        const size_t at = pos_;
        hi = parse_char();
        if (hi < lo) fail(at, "character range end before its start");
      }
      ranges.emplace_back(lo, hi);
    }
    ++pos_;
    if (negate) ranges = complement_ranges(std::move(ranges));
    seq.push_back(class_elem(std::move(ranges)));
  }

  // Repeats the item seq[from..] {min, max} times (max nullopt: unbounded).
  void repeat(Sequence& seq, size_t from, uint32_t min, std::optional<uint32_t> max, size_t at) {
    if (from >= seq.size()) {
      fail(at, "repetition without an item before it");
      return;
    }
    if (min > kMaxRepeat || (max && *max > kMaxRepeat)) {
      fail(at, "repetition count above " + std::to_string(kMaxRepeat));
      return;
    }
    if (max && *max < min) {
      fail(at, "repetition {m,n} with n < m");
      return;
    }
    Elem item;
    if (seq.size() - from == 1) {
      item = seq[from];
    } else {
      item = {ElemKind::kRef, synthetic_rule("group", {Sequence(seq.begin() + static_cast<std::ptrdiff_t>(from), seq.end())})};
    }
    seq.resize(from);
    for (uint32_t i = 0; i < min; ++i) seq.push_back(item);
    if (!max) {
      // star ::= item star | ε   (a tail call: the matcher's stacks do not grow)
      const uint32_t star = rule_id("star-" + std::to_string(rules_.size()), at);
      rules_[star].alts = {Sequence{item, {ElemKind::kRef, star}}, Sequence{}};
      rules_[star].defined = true;
      seq.push_back({ElemKind::kRef, star});
      return;
    }
    // (item (item (...)?)?)? nested n-m deep
    std::optional<uint32_t> inner;
    for (uint32_t i = min; i < *max; ++i) {
      Sequence s{item};
      if (inner) s.push_back({ElemKind::kRef, *inner});
      inner = synthetic_rule("opt", {std::move(s), Sequence{}});
    }
    if (inner) seq.push_back({ElemKind::kRef, *inner});
  }

  uint32_t parse_count() {
    const size_t start = pos_;
    uint64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      v = v * 10 + static_cast<uint64_t>(peek() - '0');
      if (v > kMaxRepeat) v = kMaxRepeat + 1;
      ++pos_;
    }
    if (pos_ == start) fail(start, "expected a number");
    return static_cast<uint32_t>(v);
  }

  Sequence parse_sequence(bool nested, size_t depth) {
    Sequence seq;
    size_t last = seq.size();
    while (ok_ && !eof()) {
      const char c = peek();
      const size_t at = pos_;
      if (c == '"') {
        last = seq.size();
        parse_literal(seq);
      } else if (c == '[') {
        last = seq.size();
        parse_class(seq);
      } else if (c == '.') {
        last = seq.size();
        ++pos_;
        seq.push_back(class_elem({{0, 0x10FFFF}}));
      } else if (is_name_char(c)) {
        last = seq.size();
        const std::string name = parse_name();
        if (peek() == ':' || (peek() == ' ' && src_.substr(pos_).find_first_not_of(" \t") != std::string_view::npos &&
                              src_.substr(pos_ + src_.substr(pos_).find_first_not_of(" \t"), 3) == "::=")) {
          // The next rule's head: this sequence ended at the previous newline.
          pos_ = at;
          if (nested) fail(at, "unclosed '('");
          break;
        }
        seq.push_back({ElemKind::kRef, rule_id(name, at)});
      } else if (c == '(') {
        if (depth >= kMaxNesting) {
          fail(at, "groups nested too deep");
          break;
        }
        ++pos_;
        skip_space(true);
        Alternatives alts = parse_alternatives(true, depth + 1);
        if (!ok_) break;
        if (peek() != ')') {
          fail(at, "unclosed '('");
          break;
        }
        ++pos_;
        last = seq.size();
        seq.push_back({ElemKind::kRef, synthetic_rule("group", std::move(alts))});
      } else if (c == '*' || c == '+' || c == '?') {
        ++pos_;
        repeat(seq, last, c == '+' ? 1 : 0, c == '?' ? std::optional<uint32_t>(1) : std::nullopt, at);
      } else if (c == '{') {
        ++pos_;
        skip_space(false);
        const uint32_t min = parse_count();
        skip_space(false);
        uint32_t max = min;
        bool bounded = true;
        if (peek() == ',') {
          ++pos_;
          skip_space(false);
          bounded = peek() != '}';
          if (bounded) max = parse_count();
          skip_space(false);
        }
        if (peek() != '}') {
          fail(at, "expected '}' closing the repetition");
          break;
        }
        ++pos_;
        repeat(seq, last, min, bounded ? std::optional<uint32_t>(max) : std::nullopt, at);
      } else {
        break;
      }
      skip_space(nested);
    }
    return seq;
  }

  Alternatives parse_alternatives(bool nested, size_t depth) {
    Alternatives alts;
    alts.push_back(parse_sequence(nested, depth));
    for (;;) {
      // A line that starts with '|' continues the rule (no rule can start with it).
      const size_t save = pos_;
      skip_space(true);
      if (!ok_ || peek() != '|') {
        pos_ = save;
        break;
      }
      ++pos_;
      skip_space(true);
      alts.push_back(parse_sequence(nested, depth));
    }
    return alts;
  }

  void parse_rule() {
    const size_t at = pos_;
    const std::string name = parse_name();
    if (!ok_) return;
    skip_space(false);
    if (src_.substr(pos_, 3) != "::=") {
      fail(pos_, "expected '::=' after rule name '" + name + "'");
      return;
    }
    pos_ += 3;
    skip_space(true);
    Alternatives alts = parse_alternatives(false, 0);
    if (!ok_) return;
    if (!eof() && peek() != '\n' && peek() != '\r' && !is_name_char(peek())) {
      fail(pos_, std::string("unexpected '") + peek() + "'");
      return;
    }
    const uint32_t id = rule_id(name, at);
    if (rules_[id].defined) {
      fail(at, "rule '" + name + "' defined twice");
      return;
    }
    rules_[id].alts = std::move(alts);
    rules_[id].defined = true;
    rules_[id].defined_at = at;
    rules_[id].user = true;
  }

  void check_references() {
    for (size_t i = 0; i < rules_.size() && ok_; ++i)
      if (!rules_[i].defined) fail(rules_[i].first_use, "undefined rule '" + names_[i] + "'");
    if (ok_ && !ids_.count("root")) fail(src_.size(), "no 'root' rule");
  }

  void build() {
    g_.rule_alts.resize(rules_.size());
    g_.rule_names = names_;
    for (size_t r = 0; r < rules_.size(); ++r) {
      for (const auto& seq : rules_[r].alts) {
        g_.rule_alts[r].push_back(static_cast<uint32_t>(g_.elems.size()));
        g_.elems.insert(g_.elems.end(), seq.begin(), seq.end());
        g_.elems.push_back({ElemKind::kEnd, 0});
      }
    }
    g_.root = ids_.at("root");
  }

  // A rule that can reach itself without consuming a byte would make the matcher loop.
  void check_left_recursion() {
    const size_t n = rules_.size();
    std::vector<char> nullable(n, 0);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t r = 0; r < n; ++r) {
        if (nullable[r]) continue;
        for (const auto& seq : rules_[r].alts) {
          bool all = true;
          for (const auto& e : seq)
            if (e.kind != ElemKind::kRef || !nullable[e.arg]) {
              all = false;
              break;
            }
          if (all) {
            nullable[r] = 1;
            changed = true;
            break;
          }
        }
      }
    }
    // left[r]: rules r can enter before consuming anything.
    std::vector<std::vector<uint32_t>> left(n);
    for (size_t r = 0; r < n; ++r)
      for (const auto& seq : rules_[r].alts)
        for (const auto& e : seq) {
          if (e.kind != ElemKind::kRef) break;
          left[r].push_back(e.arg);
          if (!nullable[e.arg]) break;
        }
    std::vector<int> color(n, 0);  // 0 new, 1 on the path, 2 done
    std::vector<std::pair<uint32_t, size_t>> stack;
    for (uint32_t s = 0; s < n && ok_; ++s) {
      if (color[s]) continue;
      stack.push_back({s, 0});
      color[s] = 1;
      while (!stack.empty() && ok_) {
        auto& [r, i] = stack.back();
        if (i < left[r].size()) {
          const uint32_t next = left[r][i++];
          if (color[next] == 1) {
            // Name the user's rule on the cycle (synthetic ones carry a "-N" suffix of ours).
            uint32_t named = next;
            bool on_cycle = false;
            for (auto& [q, _] : stack) {
              on_cycle = on_cycle || q == next;
              if (on_cycle && rules_[q].user) {
                named = q;
                break;
              }
            }
            fail(rules_[named].defined_at, "left recursion through rule '" + names_[named] + "'");
          } else if (color[next] == 0) {
            color[next] = 1;
            stack.push_back({next, 0});
          }
        } else {
          color[r] = 2;
          stack.pop_back();
        }
      }
    }
  }

  std::string_view src_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
  std::map<std::string, uint32_t> ids_;
  std::vector<RuleInfo> rules_;
  std::vector<std::string> names_;
  Grammar g_;
};

}  // namespace

Expected<Grammar> parse_gbnf(std::string_view text) { return Parser(text).run(); }

std::string gbnf_literal(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}


}  // namespace onboard::runtime::grammar
