#include "text/jinja/parser.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "text/jinja/error.h"

namespace onboard::jinja {

namespace {

constexpr int kMaxTreeDepth = 256;

class Parser {
 public:
  Parser(const std::vector<Token>& t, uint32_t end_pos) : t_(t), end_pos_(end_pos) {}

  std::vector<NodePtr> program() {
    std::vector<NodePtr> body;
    while (cur_ < t_.size()) body.push_back(parse_any());
    return body;
  }

 private:
  const std::vector<Token>& t_;
  uint32_t end_pos_;
  size_t cur_ = 0;
  int nesting_ = 0;

  struct Guard {
    explicit Guard(Parser& p, uint32_t pos) : p_(p) {
      if (++p_.nesting_ > kMaxNesting)
        fail_limit("template nesting exceeds the limit (" + std::to_string(kMaxNesting) + " levels)", pos);
    }
    ~Guard() { --p_.nesting_; }
    Parser& p_;
  };

  uint32_t here() const { return cur_ < t_.size() ? t_[cur_].pos : end_pos_; }
  bool is(Tok a) const { return cur_ < t_.size() && t_[cur_].type == a; }
  bool is2(Tok a, Tok b) const { return cur_ + 1 < t_.size() && t_[cur_].type == a && t_[cur_ + 1].type == b; }
  bool is_ident(std::string_view name, size_t off = 0) const {
    return cur_ + off < t_.size() && t_[cur_ + off].type == Tok::kIdent && t_[cur_ + off].value == name;
  }
  bool is_statement(std::initializer_list<std::string_view> names) const {
    if (!(cur_ + 1 < t_.size() && t_[cur_].type == Tok::kOpenStmt && t_[cur_ + 1].type == Tok::kIdent)) return false;
    return std::find(names.begin(), names.end(), t_[cur_ + 1].value) != names.end();
  }
  std::string describe_current() const {
    if (cur_ >= t_.size()) return "end of template";
    const auto& tk = t_[cur_];
    std::string v = tk.value.size() > 20 ? tk.value.substr(0, 20) + "..." : tk.value;
    return std::string(tok_name(tk.type)) + " '" + v + "'";
  }
  const Token& expect(Tok type, const char* what) {
    if (!is(type)) fail(std::string("Parser Error: expected ") + what + ", got " + describe_current(), here());
    return t_[cur_++];
  }
  void expect_ident(const char* name) {
    if (!is_ident(name)) fail(std::string("Parser Error: expected '") + name + "', got " + describe_current(), here());
    ++cur_;
  }

  NodePtr mk(NodeKind k, uint32_t pos) {
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->pos = pos;
    return n;
  }
  // Computes the tree height of n from its children; rejects trees that are too deep.
  NodePtr fin(NodePtr n) {
    int d = 0;
    for (const Node* c : {n->x.get(), n->y.get(), n->z.get()})
      if (c) d = std::max(d, c->depth);
    for (const auto& c : n->list) d = std::max(d, c->depth);
    for (const auto& c : n->list2) d = std::max(d, c->depth);
    n->depth = d + 1;
    if (n->depth > kMaxTreeDepth)
      fail_limit("expression or block nesting exceeds the limit (" + std::to_string(kMaxTreeDepth) + ")", n->pos);
    return n;
  }

  // Parses statements until one of `ends` appears; `opener` names the block for errors.
  void parse_body(std::vector<NodePtr>& out, std::initializer_list<std::string_view> ends, const char* opener,
                  uint32_t open_pos) {
    while (!is_statement(ends)) {
      if (cur_ >= t_.size()) {
        std::string expected;
        for (auto e : ends) expected += (expected.empty() ? "" : " or ") + std::string("{% ") + std::string(e) + " %}";
        fail(std::string("unclosed '") + opener + "' block: expected " + expected + " before the end of the template",
             open_pos);
      }
      out.push_back(parse_any());
    }
  }

  NodePtr parse_any() {
    Guard g(*this, here());
    const auto& tk = t_[cur_];
    switch (tk.type) {
      case Tok::kComment: {
        auto n = mk(NodeKind::kComment, tk.pos);
        n->str = tk.value;
        ++cur_;
        return n;
      }
      case Tok::kText: {
        auto n = mk(NodeKind::kText, tk.pos);
        n->str = tk.value;
        ++cur_;
        return n;
      }
      case Tok::kOpenStmt: return parse_statement();
      case Tok::kOpenExpr: {
        ++cur_;
        auto e = parse_expression();
        expect(Tok::kCloseExpr, "'}}' to close the expression");
        return e;
      }
      default:
        fail(std::string("Parser Error: unexpected token ") + describe_current(), tk.pos);
    }
  }

  NodePtr parse_statement() {
    const uint32_t open_pos = t_[cur_].pos;
    ++cur_;  // {%
    if (!is(Tok::kIdent)) fail("Parser Error: expected a statement name after '{%', got " + describe_current(), here());
    const std::string name = t_[cur_].value;
    ++cur_;
    if (name == "set") return parse_set(open_pos);
    if (name == "if") {
      auto n = parse_if(open_pos);
      expect(Tok::kOpenStmt, "'{% endif %}'");
      expect_ident("endif");
      expect(Tok::kCloseStmt, "'%}'");
      return n;
    }
    if (name == "for") {
      auto n = parse_for(open_pos);
      expect(Tok::kOpenStmt, "'{% endfor %}'");
      expect_ident("endfor");
      expect(Tok::kCloseStmt, "'%}'");
      return n;
    }
    if (name == "macro") {
      auto n = mk(NodeKind::kMacro, open_pos);
      auto nm = parse_primary();
      if (nm->kind != NodeKind::kIdent) fail("Parser Error: expected identifier following macro statement", nm->pos);
      n->str = nm->str;
      n->list = parse_args(true);
      expect(Tok::kCloseStmt, "'%}'");
      parse_body(n->list2, {"endmacro"}, "macro", open_pos);
      expect(Tok::kOpenStmt, "'{% endmacro %}'");
      expect_ident("endmacro");
      expect(Tok::kCloseStmt, "'%}'");
      return fin(std::move(n));
    }
    if (name == "call") {
      auto n = mk(NodeKind::kCallBlock, open_pos);
      if (is(Tok::kOpenParen)) {
        n->list = parse_args(true);
        n->flag = true;
      }
      auto callee = parse_primary();
      if (callee->kind != NodeKind::kIdent) fail("Parser Error: expected identifier following call statement", callee->pos);
      auto call = mk(NodeKind::kCall, callee->pos);
      call->list = parse_args(false);
      call->x = std::move(callee);
      n->x = fin(std::move(call));
      expect(Tok::kCloseStmt, "'%}'");
      parse_body(n->list2, {"endcall"}, "call", open_pos);
      expect(Tok::kOpenStmt, "'{% endcall %}'");
      expect_ident("endcall");
      expect(Tok::kCloseStmt, "'%}'");
      return fin(std::move(n));
    }
    if (name == "break" || name == "continue") {
      expect(Tok::kCloseStmt, "'%}'");
      return mk(name == "break" ? NodeKind::kBreak : NodeKind::kContinue, open_pos);
    }
    if (name == "filter") {
      auto n = mk(NodeKind::kFilterBlock, open_pos);
      auto f = parse_primary();
      if (f->kind == NodeKind::kIdent && is(Tok::kOpenParen)) f = parse_call(std::move(f));
      n->x = std::move(f);
      expect(Tok::kCloseStmt, "'%}'");
      parse_body(n->list, {"endfilter"}, "filter", open_pos);
      expect(Tok::kOpenStmt, "'{% endfilter %}'");
      expect_ident("endfilter");
      expect(Tok::kCloseStmt, "'%}'");
      return fin(std::move(n));
    }
    fail("Unknown statement type: " + name, t_[cur_ - 1].pos);
  }

  NodePtr parse_set(uint32_t open_pos) {
    auto n = mk(NodeKind::kSet, open_pos);
    n->x = parse_expression_sequence(false);
    if (is(Tok::kEquals)) {
      ++cur_;
      n->y = parse_expression_sequence(false);
    } else {
      expect(Tok::kCloseStmt, "'=' or '%}' in set statement");
      parse_body(n->list, {"endset"}, "set", open_pos);
      expect(Tok::kOpenStmt, "'{% endset %}'");
      expect_ident("endset");
    }
    expect(Tok::kCloseStmt, "'%}'");
    return fin(std::move(n));
  }

  NodePtr parse_if(uint32_t open_pos) {
    auto n = mk(NodeKind::kIf, open_pos);
    n->x = parse_expression();
    expect(Tok::kCloseStmt, "'%}' after the if condition");
    parse_body(n->list, {"elif", "else", "endif"}, "if", open_pos);
    if (is_statement({"elif"})) {
      const uint32_t p = t_[cur_].pos;
      cur_ += 2;
      Guard g(*this, p);
      n->list2.push_back(parse_if(p));
    } else if (is_statement({"else"})) {
      cur_ += 2;
      expect(Tok::kCloseStmt, "'%}' after else");
      parse_body(n->list2, {"endif"}, "if", open_pos);
    }
    return fin(std::move(n));
  }

  NodePtr parse_for(uint32_t open_pos) {
    auto n = mk(NodeKind::kFor, open_pos);
    n->x = parse_expression_sequence(true);
    if (n->x->kind != NodeKind::kIdent && n->x->kind != NodeKind::kTuple)
      fail("Parser Error: expected identifier/tuple for the loop variable", n->x->pos);
    if (!is_ident("in")) fail("Parser Error: expected 'in' keyword following loop variable, got " + describe_current(), here());
    ++cur_;
    n->y = parse_expression();
    expect(Tok::kCloseStmt, "'%}' after the for loop header");
    parse_body(n->list, {"endfor", "else"}, "for", open_pos);
    if (is_statement({"else"})) {
      cur_ += 2;
      expect(Tok::kCloseStmt, "'%}' after else");
      parse_body(n->list2, {"endfor"}, "for", open_pos);
    }
    return fin(std::move(n));
  }

  NodePtr parse_expression_sequence(bool primary) {
    const uint32_t p = here();
    auto first = primary ? parse_primary() : parse_expression();
    if (!is(Tok::kComma)) return first;
    auto n = mk(NodeKind::kTuple, p);
    n->list.push_back(std::move(first));
    while (is(Tok::kComma)) {
      ++cur_;
      n->list.push_back(primary ? parse_primary() : parse_expression());
    }
    return fin(std::move(n));
  }

  NodePtr parse_expression() { return parse_if_expression(); }

  NodePtr parse_if_expression() {
    Guard g(*this, here());
    auto a = parse_or();
    if (is_ident("if")) {
      const uint32_t p = t_[cur_].pos;
      ++cur_;
      auto test = parse_or();
      if (is_ident("else")) {
        ++cur_;
        auto n = mk(NodeKind::kTernary, p);
        n->x = std::move(test);
        n->y = std::move(a);
        n->z = parse_if_expression();
        return fin(std::move(n));
      }
      auto n = mk(NodeKind::kSelect, p);
      n->x = std::move(a);
      n->y = std::move(test);
      return fin(std::move(n));
    }
    return a;
  }

  NodePtr binary(std::string op, uint32_t pos, NodePtr l, NodePtr r) {
    auto n = mk(NodeKind::kBinary, pos);
    n->str = std::move(op);
    n->x = std::move(l);
    n->y = std::move(r);
    return fin(std::move(n));
  }

  NodePtr parse_or() {
    auto left = parse_and();
    while (is_ident("or")) {
      const uint32_t p = t_[cur_++].pos;
      left = binary("or", p, std::move(left), parse_and());
    }
    return left;
  }
  NodePtr parse_and() {
    auto left = parse_not();
    while (is_ident("and")) {
      const uint32_t p = t_[cur_++].pos;
      left = binary("and", p, std::move(left), parse_not());
    }
    return left;
  }
  NodePtr parse_not() {
    if (is_ident("not")) {
      const uint32_t p = t_[cur_++].pos;
      Guard g(*this, p);
      auto n = mk(NodeKind::kUnary, p);
      n->str = "not";
      n->x = parse_not();
      return fin(std::move(n));
    }
    return parse_comparison();
  }
  NodePtr parse_comparison() {
    auto left = parse_additive();
    while (true) {
      std::string op;
      const uint32_t p = here();
      if (is_ident("not") && is_ident("in", 1)) {
        op = "not in";
        cur_ += 2;
      } else if (is_ident("in")) {
        op = "in";
        ++cur_;
      } else if (is(Tok::kComparison)) {
        op = t_[cur_++].value;
      } else {
        break;
      }
      left = binary(op, p, std::move(left), parse_additive());
    }
    return left;
  }
  NodePtr parse_additive() {
    auto left = parse_multiplicative();
    while (is(Tok::kAdditive)) {
      const auto& tk = t_[cur_++];
      left = binary(tk.value, tk.pos, std::move(left), parse_multiplicative());
    }
    return left;
  }
  NodePtr parse_multiplicative() {
    auto left = parse_power();
    while (is(Tok::kMultiplicative)) {
      const auto& tk = t_[cur_++];
      left = binary(tk.value, tk.pos, std::move(left), parse_power());
    }
    return left;
  }
  NodePtr parse_power() {
    auto left = parse_test();
    while (is(Tok::kPower)) {
      const auto& tk = t_[cur_++];
      left = binary(tk.value, tk.pos, std::move(left), parse_test());
    }
    return left;
  }
  NodePtr parse_test() {
    auto operand = parse_filter();
    while (is_ident("is")) {
      const uint32_t p = t_[cur_++].pos;
      const bool negate = is_ident("not");
      if (negate) ++cur_;
      auto name = parse_primary();
      if (name->kind != NodeKind::kIdent) fail("Parser Error: expected identifier for the test", name->pos);
      auto n = mk(NodeKind::kTest, p);
      n->flag = negate;
      n->str = name->str;
      n->x = std::move(operand);
      operand = fin(std::move(n));
    }
    return operand;
  }
  NodePtr parse_filter() {
    auto operand = parse_unary_sign();
    while (is(Tok::kPipe)) {
      const uint32_t p = t_[cur_++].pos;
      auto f = parse_primary();
      if (f->kind != NodeKind::kIdent) fail("Parser Error: expected identifier for the filter", f->pos);
      if (is(Tok::kOpenParen)) f = parse_call(std::move(f));
      auto n = mk(NodeKind::kFilter, p);
      n->x = std::move(operand);
      n->y = std::move(f);
      operand = fin(std::move(n));
    }
    return operand;
  }
  NodePtr parse_unary_sign() {
    if (cur_ < t_.size() && (t_[cur_].type == Tok::kUnary || t_[cur_].type == Tok::kAdditive) &&
        (t_[cur_].value == "-" || t_[cur_].value == "+")) {
      const auto& tk = t_[cur_++];
      Guard g(*this, tk.pos);
      auto n = mk(NodeKind::kUnary, tk.pos);
      n->str = tk.value;
      n->x = parse_unary_sign();
      return fin(std::move(n));
    }
    return parse_call_member();
  }
  NodePtr parse_call_member() {
    auto member = parse_member(parse_primary());
    if (is(Tok::kOpenParen)) return parse_call(std::move(member));
    return member;
  }
  NodePtr parse_call(NodePtr callee) {
    while (true) {
      auto n = mk(NodeKind::kCall, callee->pos);
      n->list = parse_args(false);
      n->x = std::move(callee);
      callee = parse_member(fin(std::move(n)));
      if (!is(Tok::kOpenParen)) return callee;
    }
  }
  std::vector<NodePtr> parse_args(bool parameters) {
    expect(Tok::kOpenParen, "'(' for the argument list");
    std::vector<NodePtr> args;
    std::set<std::string> names;
    bool saw_kw = false, saw_spread = false;
    while (!is(Tok::kCloseParen)) {
      if (cur_ >= t_.size()) fail("Parser Error: unclosed argument list, expected ')'", here());
      const uint32_t p = here();
      const bool kw_spread = is(Tok::kPower);
      const bool pos_spread = is(Tok::kMultiplicative) && t_[cur_].value == "*";
      if (parameters && (kw_spread || pos_spread)) fail("Argument unpacking is not allowed in parameter declarations", p);
      if (kw_spread) {
        ++cur_;
        auto n = mk(NodeKind::kKwSpread, p);
        n->x = parse_expression();
        args.push_back(fin(std::move(n)));
        if (is(Tok::kComma)) ++cur_;
        if (!is(Tok::kCloseParen)) fail("Expected closing parenthesis: `**` must be applied to the final argument", here());
        break;
      }
      NodePtr arg;
      if (pos_spread) {
        if (saw_spread) fail("Only one `*` argument unpacking is allowed", p);
        saw_spread = true;
        ++cur_;
        auto n = mk(NodeKind::kSpread, p);
        n->x = parse_expression();
        arg = fin(std::move(n));
      } else {
        arg = parse_expression();
        if (is(Tok::kEquals)) {
          ++cur_;
          if (arg->kind != NodeKind::kIdent)
            fail(parameters ? "Expected identifier for parameter declaration" : "Expected identifier for keyword argument", arg->pos);
          auto n = mk(NodeKind::kKwArg, arg->pos);
          n->str = arg->str;
          n->x = parse_expression();
          arg = fin(std::move(n));
        }
        if (parameters) {
          if (arg->kind != NodeKind::kIdent && arg->kind != NodeKind::kKwArg)
            fail("Expected identifier for parameter declaration", arg->pos);
          if (!names.insert(arg->str).second) fail("Duplicate parameter name: " + arg->str, arg->pos);
        }
        if (arg->kind == NodeKind::kKwArg) {
          saw_kw = true;
        } else if (saw_kw) {
          fail(parameters ? "Non-default argument follows default argument" : "Positional arguments must come before keyword arguments", arg->pos);
        } else if (saw_spread) {
          fail("Positional arguments must not follow `*` argument unpacking", arg->pos);
        }
      }
      args.push_back(std::move(arg));
      if (is(Tok::kComma)) ++cur_;
    }
    ++cur_;  // )
    return args;
  }
  NodePtr parse_member(NodePtr object) {
    while (is(Tok::kDot) || is(Tok::kOpenSquare)) {
      const auto& op = t_[cur_++];
      auto n = mk(NodeKind::kMember, object->pos);
      n->flag = op.type == Tok::kOpenSquare;
      if (n->flag) {
        n->y = parse_subscript();
        expect(Tok::kCloseSquare, "']'");
      } else {
        n->y = parse_primary();
        if (n->y->kind != NodeKind::kIdent && n->y->kind != NodeKind::kInt)
          fail("Parser Error: expected identifier or integer following dot operator", n->y->pos);
      }
      n->x = std::move(object);
      object = fin(std::move(n));
    }
    return object;
  }
  NodePtr parse_subscript() {
    const uint32_t p = here();
    std::vector<NodePtr> slices;
    bool is_slice = false;
    while (!is(Tok::kCloseSquare)) {
      if (cur_ >= t_.size()) fail("Parser Error: unclosed '[', expected ']'", p);
      if (is(Tok::kColon)) {
        slices.push_back(nullptr);
        ++cur_;
        is_slice = true;
      } else {
        slices.push_back(parse_expression());
        if (is(Tok::kColon)) {
          ++cur_;
          is_slice = true;
        }
      }
    }
    if (slices.empty()) fail("Expected at least one argument for member/slice expression", p);
    if (is_slice) {
      if (slices.size() > 3) fail("Expected 0-3 arguments for slice expression", p);
      auto n = mk(NodeKind::kSlice, p);
      n->x = std::move(slices[0]);
      if (slices.size() > 1) n->y = std::move(slices[1]);
      if (slices.size() > 2) n->z = std::move(slices[2]);
      return fin(std::move(n));
    }
    return std::move(slices[0]);
  }

  NodePtr parse_primary() {
    if (cur_ >= t_.size()) fail("Parser Error: unexpected end of template inside an expression", end_pos_);
    const auto& tk = t_[cur_++];
    switch (tk.type) {
      case Tok::kNumber: {
        if (tk.value.find('.') != std::string::npos) {
          auto n = mk(NodeKind::kFloat, tk.pos);
          n->fval = std::strtod(tk.value.c_str(), nullptr);
          return n;
        }
        const double d = std::strtod(tk.value.c_str(), nullptr);
        if (std::fabs(d) >= 9.2e18) {
          auto n = mk(NodeKind::kFloat, tk.pos);  // beyond int64: keep the JS double
          n->fval = d;
          return n;
        }
        auto n = mk(NodeKind::kInt, tk.pos);
        n->ival = std::strtoll(tk.value.c_str(), nullptr, 10);
        return n;
      }
      case Tok::kString: {
        auto n = mk(NodeKind::kString, tk.pos);
        n->str = tk.value;
        while (is(Tok::kString)) n->str += t_[cur_++].value;
        return n;
      }
      case Tok::kIdent: {
        auto n = mk(NodeKind::kIdent, tk.pos);
        n->str = tk.value;
        return n;
      }
      case Tok::kOpenParen: {
        Guard g(*this, tk.pos);
        auto e = parse_expression_sequence(false);
        expect(Tok::kCloseParen, "')'");
        return e;
      }
      case Tok::kOpenSquare: {
        Guard g(*this, tk.pos);
        auto n = mk(NodeKind::kArray, tk.pos);
        while (!is(Tok::kCloseSquare)) {
          if (cur_ >= t_.size()) fail("Parser Error: unclosed list literal, expected ']'", tk.pos);
          n->list.push_back(parse_expression());
          if (is(Tok::kComma)) ++cur_;
        }
        ++cur_;
        return fin(std::move(n));
      }
      case Tok::kOpenCurly: {
        Guard g(*this, tk.pos);
        auto n = mk(NodeKind::kObject, tk.pos);
        while (!is(Tok::kCloseCurly)) {
          if (cur_ >= t_.size()) fail("Parser Error: unclosed dict literal, expected '}'", tk.pos);
          auto k = parse_expression();
          expect(Tok::kColon, "':' between key and value in dict literal");
          auto v = parse_expression();
          n->list.push_back(std::move(k));
          n->list2.push_back(std::move(v));
          if (is(Tok::kComma)) ++cur_;
        }
        ++cur_;
        return fin(std::move(n));
      }
      default:
        --cur_;
        fail("Parser Error: unexpected token " + describe_current(), tk.pos);
    }
  }
};

}  // namespace

std::vector<NodePtr> parse(const std::vector<Token>& tokens, uint32_t end_pos) {
  Parser p(tokens, end_pos);
  return p.program();
}

}  // namespace onboard::jinja
