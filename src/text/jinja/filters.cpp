// The `|filter` implementations, following @huggingface/jinja's applyFilter() branch by branch
// (which filters exist for which operand type, argument names and defaults, error texts).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/unicode.h"

namespace onboard::jinja {

namespace {

// parseInt(s, 10) / parseFloat(s): NaN -> nullopt.
bool js_parse_int(const std::string& s, double& out) {
  size_t k = 0;
  while (k < s.size()) {
    size_t j = k;
    if (!js_is_space(utf8_decode(s, j))) break;
    k = j;
  }
  bool neg = false;
  if (k < s.size() && (s[k] == '+' || s[k] == '-')) neg = s[k++] == '-';
  double v = 0;
  size_t digits = 0;
  while (k < s.size() && s[k] >= '0' && s[k] <= '9') {
    v = v * 10 + (s[k++] - '0');
    ++digits;
  }
  if (!digits) return false;
  out = neg ? -v : v;
  return true;
}
bool js_parse_float(const std::string& s, double& out) {
  size_t k = 0;
  while (k < s.size()) {
    size_t j = k;
    if (!js_is_space(utf8_decode(s, j))) break;
    k = j;
  }
  const std::string t = s.substr(k);
  if (t.rfind("Infinity", 0) == 0 || t.rfind("+Infinity", 0) == 0) { out = INFINITY; return true; }
  if (t.rfind("-Infinity", 0) == 0) { out = -INFINITY; return true; }
  size_t p = 0;
  if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
  size_t digits = 0;
  while (p < t.size() && t[p] >= '0' && t[p] <= '9') { ++p; ++digits; }
  if (p < t.size() && t[p] == '.') {
    ++p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') { ++p; ++digits; }
  }
  if (!digits) return false;
  if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
    size_t q = p + 1;
    if (q < t.size() && (t[q] == '+' || t[q] == '-')) ++q;
    size_t ed = 0;
    while (q < t.size() && t[q] >= '0' && t[q] <= '9') { ++q; ++ed; }
    if (ed) p = q;
  }
  out = std::strtod(t.substr(0, p).c_str(), nullptr);
  return true;
}

Value int_from_double(double d, uint32_t pos) {
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) fail("int filter: value out of range", pos);
  return Value::integer(static_cast<int64_t>(d));
}

std::string indent_lines(const std::string& s, size_t width, bool first, bool blank) {
  const auto lines = js_split(s, "\n");
  const std::string pad(width, ' ');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    if ((!first && i == 0) || (!blank && lines[i].empty())) out += lines[i];
    else out += pad + lines[i];
    if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit");
  }
  return out;
}

}  // namespace

Value Interpreter::apply_filter(const Value& operand, const Node& fnode, Env& env) {
  const uint32_t pos = fnode.pos;
  if (fnode.kind == NodeKind::kIdent) {
    const std::string& f = fnode.str;
    if (f == "safe") return operand;
    if (f == "tojson") return Value::string(to_json(operand, JsonOptions{}));
    if (operand.is_array()) {
      const auto& items = operand.items();
      if (f == "list") return operand;
      if (f == "first") return items.empty() ? Value::undefined() : items.front();
      if (f == "last") return items.empty() ? Value::undefined() : items.back();
      if (f == "length") return Value::integer(static_cast<int64_t>(items.size()));
      if (f == "reverse") return Value::array(std::vector<Value>(items.rbegin(), items.rend()));
      if (f == "sort") {
        std::vector<Value> out = items;
        std::stable_sort(out.begin(), out.end(),
                         [&](const Value& a, const Value& b) { return compare_values(a, b, false, pos) < 0; });
        return Value::array(std::move(out));
      }
      if (f == "join") {
        std::string out;
        for (const auto& x : items) {
          out += js_value_string(x, true);
          if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit", pos);
        }
        return Value::string(std::move(out));
      }
      if (f == "string") return Value::string(to_json(operand, JsonOptions{}, false));
      if (f == "unique") {
        std::vector<Value> out;
        for (const auto& x : items) {
          bool seen = false;
          for (const auto& y : out)
            if (strict_equals(x, y)) { seen = true; break; }
          if (!seen) out.push_back(x);
        }
        return Value::array(std::move(out));
      }
      fail("Unknown ArrayValue filter: " + f, pos);
    }
    if (operand.is_string()) {
      const std::string& s = operand.str();
      if (f == "length") return Value::integer(utf16_length(s));
      if (f == "upper") return Value::string(js_upper(s));
      if (f == "lower") return Value::string(js_lower(s));
      if (f == "title" || f == "capitalize") {
        const Value m = member(operand, Value::string(f), pos);
        CallArgs none;
        return m.fn->fn(none, env);
      }
      if (f == "trim") return Value::string(js_trim(s, true, true));
      if (f == "indent") return Value::string(indent_lines(s, 4, false, false));
      if (f == "join" || f == "string") return operand;
      if (f == "int") {
        double d = 0;
        return js_parse_int(s, d) ? int_from_double(d, pos) : Value::integer(0);
      }
      if (f == "float") {
        double d = 0;
        return Value::number(js_parse_float(s, d) ? d : 0);
      }
      fail("Unknown StringValue filter: " + f, pos);
    }
    if (operand.is_number()) {
      if (f == "abs") {
        if (operand.kind == Kind::kInt) {
          if (operand.i == INT64_MIN) fail("integer overflow in abs", pos);
          return Value::integer(operand.i < 0 ? -operand.i : operand.i);
        }
        return Value::number(std::fabs(operand.f));
      }
      if (f == "int") return operand.kind == Kind::kInt ? operand : int_from_double(std::floor(operand.f), pos);
      if (f == "float") return Value::number(operand.num());
      if (f == "string") return Value::string(to_output_string(operand));
      fail("Unknown NumericValue filter: " + f, pos);
    }
    if (operand.is_object()) {
      if (f == "length") return Value::integer(static_cast<int64_t>(operand.obj->map.size()));
      const Value method = object_builtin(operand, f);
      if (method.kind == Kind::kFunction) {
        CallArgs none;
        return method.fn->fn(none, env);
      }
      fail("Unknown ObjectValue filter: " + f, pos);
    }
    if (operand.kind == Kind::kBool) {
      if (f == "bool") return operand;
      if (f == "int") return Value::integer(operand.b ? 1 : 0);
      if (f == "float") return Value::number(operand.b ? 1 : 0);
      if (f == "string") return Value::string(operand.b ? "true" : "false");
      fail("Unknown BooleanValue filter: " + f, pos);
    }
    fail("Cannot apply filter \"" + f + "\" to type: " + type_name(operand.kind), pos);
  }

  if (fnode.kind != NodeKind::kCall || fnode.x->kind != NodeKind::kIdent) fail("Unknown filter expression", pos);
  const std::string& f = fnode.x->str;
  if (f == "tojson") {
    CallArgs a = eval_args(fnode.list, env);
    JsonOptions opt;
    if (const Value* v = a.kw.find("indent")) {
      if (v->kind != Kind::kInt && !v->is_null()) fail("If set, indent must be a number", pos);
      if (v->kind == Kind::kInt) {
        if (v->i > 64) fail("tojson indent is limited to 64", pos);
        opt.indent = v->i > 0 ? static_cast<int>(v->i) : 0;
      }
    }
    if (const Value* v = a.kw.find("ensure_ascii")) {
      if (v->kind != Kind::kBool) fail("If set, ensure_ascii must be a boolean", pos);
      opt.ensure_ascii = v->b;
    }
    if (const Value* v = a.kw.find("sort_keys")) {
      if (v->kind != Kind::kBool) fail("If set, sort_keys must be a boolean", pos);
      opt.sort_keys = v->b;
    }
    if (const Value* v = a.kw.find("separators")) {
      if (v->is_array()) {
        if (v->items().size() != 2 || !v->items()[0].is_string() || !v->items()[1].is_string())
          fail("separators must be a tuple of two strings", pos);
        opt.has_separators = true;
        opt.item_sep = v->items()[0].str();
        opt.key_sep = v->items()[1].str();
      } else if (!v->is_null()) {
        fail("If set, separators must be a tuple of two strings", pos);
      }
    }
    return Value::string(to_json(operand, opt));
  }
  if (f == "join") {
    std::vector<std::string> parts;
    if (operand.is_string()) {
      for (char32_t c : utf8_to_codepoints(operand.str())) {
        std::string ch;
        utf8_append(ch, c);
        parts.push_back(ch);
      }
    } else if (operand.is_array()) {
      for (const auto& x : operand.items()) parts.push_back(js_value_string(x, true));
    } else {
      fail("Cannot apply filter \"join\" to type: " + std::string(type_name(operand.kind)), pos);
    }
    CallArgs a = eval_args(fnode.list, env);
    const Value* sep = a.pos.size() > 0 ? &a.pos[0] : a.kw.find("separator");
    if (sep && !sep->is_string()) fail("separator must be a string", pos);
    std::string out;
    for (size_t k = 0; k < parts.size(); ++k) {
      if (k && sep) out += sep->str();
      out += parts[k];
      if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit", pos);
    }
    return Value::string(std::move(out));
  }
  if (f == "int" || f == "float") {
    CallArgs a = eval_args(fnode.list, env);
    const bool is_int = f == "int";
    Value def = a.pos.size() > 0 ? a.pos[0] : a.kw.find("default") ? *a.kw.find("default")
                                                                     : (is_int ? Value::integer(0) : Value::number(0));
    if (operand.is_string()) {
      double d = 0;
      const bool ok = is_int ? js_parse_int(operand.str(), d) : js_parse_float(operand.str(), d);
      if (!ok) return def;
      return is_int ? int_from_double(d, pos) : Value::number(d);
    }
    if (operand.is_number()) return operand;
    if (operand.kind == Kind::kBool) return is_int ? Value::integer(operand.b ? 1 : 0) : Value::number(operand.b ? 1 : 0);
    fail("Cannot apply filter \"" + f + "\" to type: " + type_name(operand.kind), pos);
  }
  if (f == "default") {
    CallArgs a = eval_args(fnode.list, env);
    const Value def = a.pos.size() > 0 ? a.pos[0] : Value::string("");
    const Value* boolean = a.pos.size() > 1 ? &a.pos[1] : a.kw.find("boolean");
    if (boolean && boolean->kind != Kind::kBool) fail("`default` filter flag must be a boolean", pos);
    if (operand.is_undefined() || (boolean && boolean->b && !truthy(operand))) return def;
    return operand;
  }
  if (operand.is_array()) {
    const auto& items = operand.items();
    if (f == "sort") {
      CallArgs a = eval_args(fnode.list, env);
      const Value* rev = a.pos.size() > 0 ? &a.pos[0] : a.kw.find("reverse");
      if (rev && rev->kind != Kind::kBool) fail("reverse must be a boolean", pos);
      const Value* cs = a.pos.size() > 1 ? &a.pos[1] : a.kw.find("case_sensitive");
      if (cs && cs->kind != Kind::kBool) fail("case_sensitive must be a boolean", pos);
      const Value* attr = a.pos.size() > 2 ? &a.pos[2] : a.kw.find("attribute");
      if (attr && !attr->is_string() && attr->kind != Kind::kInt && !attr->is_null())
        fail("attribute must be a string, integer, or null", pos);
      const bool reverse = rev && rev->b, case_sensitive = cs && cs->b;
      std::string path;
      const bool by_attr = attr && !attr->is_null();
      if (by_attr) path = attr->is_string() ? attr->str() : std::to_string(attr->i);
      std::vector<Value> out = items;
      std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
        const Value xv = by_attr ? attribute_path(x, path) : x;
        const Value yv = by_attr ? attribute_path(y, path) : y;
        const int r = compare_values(xv, yv, case_sensitive, pos);
        return reverse ? r > 0 : r < 0;
      });
      return Value::array(std::move(out));
    }
    if (f == "selectattr" || f == "rejectattr") {
      const bool select = f == "selectattr";
      for (const auto& it : items)
        if (!it.is_attr_container()) fail("`" + f + "` can only be applied to array of objects", pos);
      for (const auto& arg : fnode.list)
        if (arg->kind != NodeKind::kString) fail("arguments of `" + f + "` must be strings", pos);
      std::vector<Value> args;
      for (const auto& arg : fnode.list) args.push_back(eval(*arg, env));
      if (args.empty()) fail("`" + f + "` needs an attribute name", pos);
      std::string test_name;
      if (args.size() > 1) {
        test_name = args[1].str();
        if (!has_test(test_name)) fail("Unknown test: " + test_name, pos);
      }
      std::vector<Value> out;
      for (const auto& it : items) {
        const Value* a = it.obj->map.find(args[0].str());
        bool r = false;
        if (a) r = test_name.empty() ? truthy(*a) : run_test(test_name, *a, args.size() > 2 ? &args[2] : nullptr, true, pos);
        if (select ? r : !r) out.push_back(it);
      }
      return Value::array(std::move(out));
    }
    if (f == "map") {
      CallArgs a = eval_args(fnode.list, env);
      const Value* attr = a.kw.find("attribute");
      if (!attr) fail("`map` expressions without `attribute` set are not currently supported.", pos);
      if (!attr->is_string()) fail("attribute must be a string", pos);
      const Value* def = a.kw.find("default");
      std::vector<Value> out;
      for (const auto& it : items) {
        if (!it.is_attr_container()) fail("items in map must be an object", pos);
        Value v = attribute_path(it, attr->str());
        out.push_back(v.is_undefined() && def ? *def : v);
      }
      return Value::array(std::move(out));
    }
    fail("Unknown ArrayValue filter: " + f, pos);
  }
  if (operand.is_string()) {
    if (f == "indent") {
      CallArgs a = eval_args(fnode.list, env);
      const Value* width = a.pos.size() > 0 ? &a.pos[0] : a.kw.find("width");
      if (width && width->kind != Kind::kInt) fail("width must be a number", pos);
      const int64_t w = width ? width->i : 4;
      if (w < 0 || w > 1024) fail("indent width out of range", pos);
      const Value* first = a.pos.size() > 1 ? &a.pos[1] : a.kw.find("first");
      const Value* blank = a.pos.size() > 2 ? &a.pos[2] : a.kw.find("blank");
      return Value::string(indent_lines(operand.str(), static_cast<size_t>(w), first && truthy(*first), blank && truthy(*blank)));
    }
    if (f == "replace") {
      CallArgs a = eval_args(fnode.list, env);
      const Value m = member(operand, Value::string("replace"), pos);
      return m.fn->fn(a, env);
    }
    fail("Unknown StringValue filter: " + f, pos);
  }
  if (operand.is_object()) {
    const Value method = object_builtin(operand, f);
    if (method.kind == Kind::kFunction) {
      CallArgs a = eval_args(fnode.list, env);
      return method.fn->fn(a, env);
    }
    fail("Unknown ObjectValue filter: " + f, pos);
  }
  fail("Cannot apply filter \"" + f + "\" to type: " + type_name(operand.kind), pos);
}

}  // namespace onboard::jinja
