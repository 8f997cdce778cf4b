// Member access, the methods of strings / lists / dicts, the `is` tests and the global
// functions, following @huggingface/jinja's runtime.
#include <algorithm>
#include <cmath>
#include <ctime>

#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/unicode.h"

namespace onboard::jinja {

std::vector<std::string> js_split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    if (p == std::string::npos) break;
    out.push_back(s.substr(start, p - start));
    start = p + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

std::string js_replace(const std::string& s, const std::string& old_value, const std::string& new_value, int64_t count) {
  if (count == 0) return s;
  int64_t remaining = count < 0 ? INT64_MAX : count;
  std::string out;
  if (old_value.empty()) {
    // /(?=)/gu: a match before every code point and at the end.
    for (size_t i = 0; i <= s.size();) {
      if (remaining > 0) {
        out += new_value;
        --remaining;
      }
      if (i == s.size()) break;
      const size_t st = i;
      utf8_decode(s, i);
      out.append(s, st, i - st);
      if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit");
    }
    return out;
  }
  size_t start = 0;
  while (remaining > 0) {
    const size_t p = s.find(old_value, start);
    if (p == std::string::npos) break;
    out.append(s, start, p - start);
    out += new_value;
    if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit");
    start = p + old_value.size();
    --remaining;
  }
  out.append(s, start, std::string::npos);
  return out;
}

int compare_values(const Value& a, const Value& b, bool case_sensitive, uint32_t pos) {
  if (a.is_null() && b.is_null()) return 0;
  if (a.is_null() || b.is_null()) fail(std::string("Cannot compare ") + type_name(a.kind) + " with " + type_name(b.kind), pos);
  if (a.is_undefined() && b.is_undefined()) return 0;
  if (a.is_undefined() || b.is_undefined())
    fail(std::string("Cannot compare ") + type_name(a.kind) + " with " + type_name(b.kind), pos);
  if (a.is_numeric_like() && b.is_numeric_like()) {
    const double x = a.num(), y = b.num();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind != b.kind) fail(std::string("Cannot compare different types: ") + type_name(a.kind) + " and " + type_name(b.kind), pos);
  if (a.is_string()) {
    const std::string x = case_sensitive ? a.str() : js_lower(a.str());
    const std::string y = case_sensitive ? b.str() : js_lower(b.str());
    return x < y ? -1 : x > y ? 1 : 0;
  }
  fail(std::string("Cannot compare type: ") + type_name(a.kind), pos);
}

Value attribute_path(const Value& item, const std::string& path) {
  Value v = item;
  for (const auto& part : js_split(path, ".")) {
    if (v.is_attr_container()) {
      const Value* f = v.obj->map.find(part);
      v = f ? *f : Value::undefined();
    } else if (v.is_array()) {
      // parseInt(part, 10)
      size_t k = 0;
      while (k < part.size() && js_is_space(static_cast<unsigned char>(part[k]))) ++k;
      bool neg = false;
      if (k < part.size() && (part[k] == '+' || part[k] == '-')) neg = part[k++] == '-';
      int64_t idx = 0;
      size_t digits = 0;
      while (k < part.size() && part[k] >= '0' && part[k] <= '9' && digits < 18) {
        idx = idx * 10 + (part[k++] - '0');
        ++digits;
      }
      if (digits == 0 || neg) return Value::undefined();
      if (idx >= static_cast<int64_t>(v.items().size())) return Value::undefined();
      v = v.items()[static_cast<size_t>(idx)];
    } else {
      return Value::undefined();
    }
  }
  return v;
}

namespace {

Value make_pairs(const Value& object) {
  std::vector<Value> out;
  for (const auto& [k, v] : object.obj->map.entries()) out.push_back(Value::array({Value::string(k), v}));
  return Value::array(std::move(out));
}

// Positional arguments first, then the keyword (HF: `args.at(i) ?? kwargs.get(name) ?? default`).
const Value* arg_at(const CallArgs& a, size_t i, const char* name) {
  if (i < a.pos.size()) return &a.pos[i];
  return name ? a.kw.find(name) : nullptr;
}

}  // namespace

Value object_builtin(const Value& object, const std::string& name) {
  if (name == "get") {
    return Value::function("get", [object](CallArgs& a, Env&) -> Value {
      if (a.pos.empty() || !a.pos[0].is_string())
        fail(std::string("Object key must be a string: got ") + (a.pos.empty() ? "UndefinedValue" : type_name(a.pos[0].kind)));
      if (const Value* v = object.obj->map.find(a.pos[0].str())) return *v;
      if (a.pos.size() > 1) return a.pos[1];
      if (!a.kw.empty()) return Value::object(a.kw, Kind::kKwArgs);
      return Value::null();
    });
  }
  if (name == "items") return Value::function("items", [object](CallArgs&, Env&) { return make_pairs(object); });
  if (name == "keys") {
    return Value::function("keys", [object](CallArgs&, Env&) {
      std::vector<Value> out;
      for (const auto& [k, v] : object.obj->map.entries()) out.push_back(Value::string(k));
      return Value::array(std::move(out));
    });
  }
  if (name == "values") {
    return Value::function("values", [object](CallArgs&, Env&) {
      std::vector<Value> out;
      for (const auto& [k, v] : object.obj->map.entries()) out.push_back(v);
      return Value::array(std::move(out));
    });
  }
  if (name == "dictsort") {
    return Value::function("dictsort", [object](CallArgs& a, Env&) -> Value {
      const Value* cs = arg_at(a, 0, "case_sensitive");
      if (cs && cs->kind != Kind::kBool) fail("case_sensitive must be a boolean");
      const Value* by = arg_at(a, 1, "by");
      if (by && !by->is_string()) fail("by must be a string");
      const std::string by_s = by ? by->str() : "key";
      if (by_s != "key" && by_s != "value") fail("by must be either 'key' or 'value'");
      const Value* rev = arg_at(a, 2, "reverse");
      if (rev && rev->kind != Kind::kBool) fail("reverse must be a boolean");
      const bool case_sensitive = cs && cs->b, reverse = rev && rev->b;
      std::vector<Value> items = make_pairs(object).items();
      const size_t idx = by_s == "key" ? 0 : 1;
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        const int r = compare_values(x.items()[idx], y.items()[idx], case_sensitive, kNoPos);
        return reverse ? r > 0 : r < 0;
      });
      return Value::array(std::move(items));
    });
  }
  return Value::undefined();
}

namespace {

bool starts_or_ends(const std::string& s, const Value& pattern, bool starts, const char* fname) {
  auto check = [&](const std::string& p) {
    if (p.size() > s.size()) return false;
    return starts ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0;
  };
  if (pattern.is_string()) return check(pattern.str());
  if (pattern.is_array()) {
    for (const auto& item : pattern.items()) {
      if (!item.is_string()) fail(std::string(fname) + "() tuple elements must be strings");
      if (check(item.str())) return true;
    }
    return false;
  }
  fail(std::string(fname) + "() argument must be a string or tuple of strings");
}

std::string title_case(const std::string& s) {
  // value.replace(/\b\w/g, c => c.toUpperCase()) with ASCII \w.
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::string out = s;
  for (size_t i = 0; i < out.size(); ++i)
    if (word(out[i]) && (i == 0 || !word(out[i - 1])) && out[i] >= 'a' && out[i] <= 'z') out[i] -= 32;
  return out;
}

std::string capitalize(const std::string& s) {
  if (s.empty()) return s;
  size_t i = 0;
  const char32_t c = utf8_decode(s, i);
  std::string first;
  utf8_append(first, c);
  return js_upper(first) + s.substr(i);
}

Value string_method(const Value& sv, const std::string& name) {
  const std::string& s = sv.str();
  if (name == "length") return Value::integer(utf16_length(s));
  auto fn = [&](auto body) { return Value::function(name, body); };
  if (name == "upper") return fn([sv](CallArgs&, Env&) { return Value::string(js_upper(sv.str())); });
  if (name == "lower") return fn([sv](CallArgs&, Env&) { return Value::string(js_lower(sv.str())); });
  if (name == "strip") return fn([sv](CallArgs&, Env&) { return Value::string(js_trim(sv.str(), true, true)); });
  if (name == "lstrip") return fn([sv](CallArgs&, Env&) { return Value::string(js_trim(sv.str(), true, false)); });
  if (name == "rstrip") return fn([sv](CallArgs&, Env&) { return Value::string(js_trim(sv.str(), false, true)); });
  if (name == "title") return fn([sv](CallArgs&, Env&) { return Value::string(title_case(sv.str())); });
  if (name == "capitalize") return fn([sv](CallArgs&, Env&) { return Value::string(capitalize(sv.str())); });
  if (name == "startswith" || name == "endswith") {
    const bool starts = name == "startswith";
    return fn([sv, starts](CallArgs& a, Env&) -> Value {
      const char* f = starts ? "startswith" : "endswith";
      if (a.pos.empty()) fail(std::string(f) + "() requires at least one argument");
      return Value::boolean(starts_or_ends(sv.str(), a.pos[0], starts, f));
    });
  }
  if (name == "split") {
    return fn([sv](CallArgs& a, Env&) -> Value {
      const Value sep = a.pos.size() > 0 ? a.pos[0] : Value::null();
      if (!sep.is_string() && !sep.is_null()) fail("sep argument must be a string or null");
      const Value maxsplit = a.pos.size() > 1 ? a.pos[1] : Value::integer(-1);
      if (maxsplit.kind != Kind::kInt) fail("maxsplit argument must be a number");
      std::vector<std::string> parts;
      if (sep.is_null()) {
        const std::string text = js_trim(sv.str(), true, false);
        size_t i = 0;
        while (i < text.size()) {
          size_t j = i;
          if (js_is_space(utf8_decode(text, j))) { i = j; continue; }
          const size_t start = i;
          size_t end = i;
          while (end < text.size()) {
            size_t k = end;
            if (js_is_space(utf8_decode(text, k))) break;
            end = k;
          }
          if (maxsplit.i != -1 && static_cast<int64_t>(parts.size()) >= maxsplit.i) {
            parts.push_back(text.substr(start));
            break;
          }
          parts.push_back(text.substr(start, end - start));
          i = end;
        }
      } else {
        if (sep.str().empty()) fail("empty separator");
        parts = js_split(sv.str(), sep.str());
        if (maxsplit.i != -1 && static_cast<int64_t>(parts.size()) > maxsplit.i) {
          const size_t keep = maxsplit.i < 0 ? 0 : static_cast<size_t>(maxsplit.i);
          std::string rest;
          for (size_t k = keep; k < parts.size(); ++k) rest += (k > keep ? sep.str() : "") + parts[k];
          parts.resize(keep);
          parts.push_back(rest);
        }
      }
      std::vector<Value> out;
      for (auto& p : parts) out.push_back(Value::string(std::move(p)));
      return Value::array(std::move(out));
    });
  }
  if (name == "replace") {
    return fn([sv](CallArgs& a, Env&) -> Value {
      if (a.pos.size() < 2) fail("replace() requires at least two arguments");
      if (!a.pos[0].is_string() || !a.pos[1].is_string()) fail("replace() arguments must be strings");
      Value count = Value::null();
      if (a.pos.size() > 2) count = a.pos[2];
      else if (const Value* c = a.kw.find("count")) count = *c;
      if (count.kind != Kind::kInt && !count.is_null()) fail("replace() count argument must be a number or null");
      return Value::string(js_replace(sv.str(), a.pos[0].str(), a.pos[1].str(), count.is_null() ? -1 : count.i));
    });
  }
  return Value::undefined();
}

std::string strftime_js(const std::string& fmt) {
  static const char* kShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char* kLong[] = {"January", "February", "March", "April", "May", "June", "July",
                                "August", "September", "October", "November", "December"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  auto pad2 = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      const char c = fmt[i + 1];
      std::string rep;
      switch (c) {
        case 'Y': rep = std::to_string(tm.tm_year + 1900); break;
        case 'm': rep = pad2(tm.tm_mon + 1); break;
        case 'd': rep = pad2(tm.tm_mday); break;
        case 'b': rep = kShort[tm.tm_mon]; break;
        case 'B': rep = kLong[tm.tm_mon]; break;
        case 'H': rep = pad2(tm.tm_hour); break;
        case 'M': rep = pad2(tm.tm_min); break;
        case '%': rep = "%"; break;
        default: break;
      }
      if (!rep.empty()) {
        out += rep;
        ++i;
        continue;
      }
    }
    out += fmt[i];
  }
  return out;
}

}  // namespace

Value Interpreter::member(const Value& object, const Value& property, uint32_t pos) {
  if (object.is_attr_container()) {
    if (!property.is_string()) fail(std::string("Cannot access property with non-string: got ") + type_name(property.kind), pos);
    if (const Value* v = object.obj->map.find(property.str())) return *v;
    if (object.is_object()) return object_builtin(object, property.str());
    return Value::undefined();
  }
  if (object.is_array() || object.is_string()) {
    if (property.kind == Kind::kInt) {
      int64_t idx = property.i;
      if (object.is_string()) {
        const auto cps = utf8_to_codepoints(object.str());
        const int64_t n = static_cast<int64_t>(cps.size());
        if (idx < 0) idx += n;
        if (idx < 0 || idx >= n) return Value::undefined();
        std::string out;
        utf8_append(out, cps[static_cast<size_t>(idx)]);
        return Value::string(std::move(out));
      }
      const int64_t n = static_cast<int64_t>(object.items().size());
      if (idx < 0) idx += n;
      if (idx < 0 || idx >= n) return Value::undefined();
      return object.items()[static_cast<size_t>(idx)];
    }
    if (property.is_string()) {
      if (object.is_array()) {
        if (property.str() == "length") return Value::integer(static_cast<int64_t>(object.items().size()));
        return Value::undefined();
      }
      return string_method(object, property.str());
    }
    fail(std::string("Cannot access property with non-string/non-number: got ") + type_name(property.kind), pos);
  }
  if (!property.is_string()) fail(std::string("Cannot access property with non-string: got ") + type_name(property.kind), pos);
  return Value::undefined();
}

bool Interpreter::has_test(const std::string& name) {
  static const char* kTests[] = {"boolean", "callable", "odd", "even", "false", "true", "none", "string", "number",
                                 "integer", "iterable", "mapping", "sequence", "lower", "upper", "defined",
                                 "undefined", "equalto", "eq"};
  for (const char* t : kTests)
    if (name == t) return true;
  return false;
}

bool Interpreter::run_test(const std::string& name, const Value& v, const Value* arg, bool has_arg, uint32_t pos) {
  if (name == "boolean") return v.kind == Kind::kBool;
  if (name == "callable") return v.kind == Kind::kFunction;
  if (name == "odd" || name == "even") {
    if (v.kind != Kind::kInt) fail("cannot " + name + " on " + type_name(v.kind), pos);
    return name == "odd" ? v.i % 2 != 0 : v.i % 2 == 0;
  }
  if (name == "false") return v.kind == Kind::kBool && !v.b;
  if (name == "true") return v.kind == Kind::kBool && v.b;
  if (name == "none") return v.is_null();
  if (name == "string") return v.is_string();
  if (name == "number") return v.is_number();
  if (name == "integer") return v.kind == Kind::kInt;
  if (name == "iterable") return v.kind == Kind::kArray || v.is_string();
  if (name == "mapping") return v.is_object();
  if (name == "sequence") return v.is_array() || v.is_object() || v.is_string();
  if (name == "lower") return v.is_string() && v.str() == js_lower(v.str());
  if (name == "upper") return v.is_string() && v.str() == js_upper(v.str());
  if (name == "defined") return !v.is_undefined();
  if (name == "undefined") return v.is_undefined();
  if (name == "equalto" || name == "eq") {
    if (!has_arg || !arg) fail("test '" + name + "' needs a value to compare with", pos);
    return strict_equals(v, *arg);
  }
  fail("Unknown test: " + name, pos);
}

void Interpreter::setup_globals(Env& env) {
  env.set("namespace", Value::function("namespace", [](CallArgs& a, Env&) -> Value {
    if (a.pos.size() > 1) fail("namespace expected at most 1 argument, got " + std::to_string(a.pos.size()));
    OrderedMap entries;
    if (a.pos.size() == 1) {
      const Value& src = a.pos[0];
      if (src.is_object()) {
        for (const auto& [k, v] : src.obj->map.entries()) entries.set(k, v);
      } else if (src.is_array()) {
        for (const auto& pair : src.items()) {
          std::vector<Value> kv;
          if (pair.is_array()) kv = pair.items();
          else if (pair.is_string())
            for (char32_t c : utf8_to_codepoints(pair.str())) {
              std::string ch;
              utf8_append(ch, c);
              kv.push_back(Value::string(ch));
            }
          if (kv.size() != 2) fail("namespace expected an object or an iterable of [key, value] pairs");
          if (!kv[0].is_string()) fail("namespace keys must be strings");
          entries.set(kv[0].str(), kv[1]);
        }
      } else {
        fail(std::string("'") + type_name(src.kind) + "' object is not iterable");
      }
    }
    for (const auto& [k, v] : a.kw.entries()) entries.set(k, v);
    for (const auto& [k, v] : entries.entries())
      if (v.holds_ref()) fail("a namespace attribute cannot hold a namespace, function or macro");
    return Value::object(std::move(entries), Kind::kNamespace);
  }));
  env.set("false", Value::boolean(false));
  env.set("true", Value::boolean(true));
  env.set("none", Value::null());
  env.set("raise_exception", Value::function("raise_exception", [](CallArgs& a, Env&) -> Value {
    std::string msg;
    for (size_t k = 0; k < a.pos.size(); ++k) msg += (k ? "," : "") + to_output_string(a.pos[k]);
    fail("raise_exception: " + msg);
  }));
  env.set("range", Value::function("range", [](CallArgs& a, Env&) -> Value {
    std::vector<double> n;
    for (const auto& v : a.pos) {
      if (!v.is_numeric_like()) fail(std::string("range() arguments must be numbers, got ") + type_name(v.kind));
      n.push_back(v.num());
    }
    if (n.empty()) fail("range expected at least 1 argument");
    double start = 0, stop = n[0], step = 1;
    if (n.size() >= 2) { start = n[0]; stop = n[1]; }
    if (n.size() >= 3) step = n[2];
    if (step == 0) fail("range() step must not be zero");
    std::vector<Value> out;
    auto push = [&](double i) {
      if (out.size() >= kMaxArrayItems) fail_limit("range() exceeds the size limit (" + std::to_string(kMaxArrayItems) + " items)");
      if (std::floor(i) == i && std::fabs(i) < 9e15) out.push_back(Value::integer(static_cast<int64_t>(i)));
      else out.push_back(Value::number(i));
    };
    if (step > 0) for (double i = start; i < stop; i += step) push(i);
    else for (double i = start; i > stop; i += step) push(i);
    return Value::array(std::move(out));
  }));
  env.set("strftime_now", Value::function("strftime_now", [](CallArgs& a, Env&) -> Value {
    if (a.pos.empty() || !a.pos[0].is_string()) fail("strftime_now() expects a format string");
    return Value::string(strftime_js(a.pos[0].str()));
  }));
  env.set("True", Value::boolean(true));
  env.set("False", Value::boolean(false));
  env.set("None", Value::null());
}

}  // namespace onboard::jinja
