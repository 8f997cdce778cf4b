#include "text/jinja/value.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cctype>

#include "text/jinja/unicode.h"

namespace onboard::jinja {

size_t OrderedMap::size() const { return entries_.size(); }
bool OrderedMap::empty() const { return entries_.empty(); }

// ---- OrderedMap ----
const Value* OrderedMap::find(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}
Value* OrderedMap::find(std::string_view key) {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}
void OrderedMap::set(const std::string& key, Value v) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].second = std::move(v);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.emplace_back(key, std::move(v));
}
bool OrderedMap::erase(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
  index_.clear();
  for (size_t k = 0; k < entries_.size(); ++k) index_.emplace(entries_[k].first, k);
  return true;
}

// ---- Value ----
Value Value::string(std::string x) {
  if (x.size() > kMaxStringBytes) fail_limit("string exceeds the size limit (" + std::to_string(kMaxStringBytes) + " bytes)");
  Value v;
  v.kind = Kind::kString;
  v.s = std::make_shared<const std::string>(std::move(x));
  return v;
}
Value Value::array(std::vector<Value> items, Kind kind) {
  if (items.size() > kMaxArrayItems) fail_limit("list exceeds the size limit (" + std::to_string(kMaxArrayItems) + " items)");
  Value v;
  v.kind = kind;
  v.arr = std::make_shared<ArrayData>();
  int d = 0;
  bool ref = false;
  for (const auto& x : items) {
    d = std::max(d, x.depth());
    ref = ref || x.holds_ref();
  }
  if (d + 1 > kMaxValueDepth) fail_limit("value nesting exceeds the depth limit (" + std::to_string(kMaxValueDepth) + ")");
  v.arr->depth = d + 1;
  v.arr->holds_ref = ref;
  v.arr->items = std::move(items);
  return v;
}
Value Value::object(OrderedMap map, Kind kind) {
  Value v;
  v.kind = kind;
  v.obj = std::make_shared<ObjectData>();
  int d = 0;
  bool ref = false;
  for (const auto& [k, x] : map.entries()) {
    d = std::max(d, x.depth());
    ref = ref || x.holds_ref();
  }
  if (d + 1 > kMaxValueDepth) fail_limit("value nesting exceeds the depth limit (" + std::to_string(kMaxValueDepth) + ")");
  v.obj->depth = d + 1;
  v.obj->holds_ref = ref;
  v.obj->map = std::move(map);
  return v;
}
Value Value::function(std::string name, NativeFn fn) {
  Value v;
  v.kind = Kind::kFunction;
  v.fn = std::make_shared<FunctionData>(FunctionData{std::move(name), std::move(fn)});
  return v;
}
int Value::depth() const {
  if (arr) return arr->depth;
  if (obj) return obj->depth;
  return 0;
}
bool Value::holds_ref() const {
  if (kind == Kind::kNamespace || kind == Kind::kFunction) return true;
  if (arr) return arr->holds_ref;
  if (obj) return obj->holds_ref;
  return false;
}

const char* type_name(Kind k) {
  switch (k) {
    case Kind::kUndefined: return "UndefinedValue";
    case Kind::kNull: return "NullValue";
    case Kind::kBool: return "BooleanValue";
    case Kind::kInt: return "IntegerValue";
    case Kind::kFloat: return "FloatValue";
    case Kind::kString: return "StringValue";
    case Kind::kArray: return "ArrayValue";
    case Kind::kTuple: return "TupleValue";
    case Kind::kObject: return "ObjectValue";
    case Kind::kKwArgs: return "KeywordArgumentsValue";
    case Kind::kNamespace: return "NamespaceValue";
    case Kind::kFunction: return "FunctionValue";
  }
  return "?";
}

bool truthy(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: case Kind::kNull: return false;
    case Kind::kBool: return v.b;
    case Kind::kInt: return v.i != 0;
    case Kind::kFloat: return v.f != 0 && !std::isnan(v.f);
    case Kind::kString: return !v.s->empty();
    case Kind::kArray: case Kind::kTuple: return !v.arr->items.empty();
    case Kind::kObject: case Kind::kKwArgs: return !v.obj->map.empty();
    case Kind::kNamespace: case Kind::kFunction: return true;
  }
  return false;
}

static std::string float_to_output(double f) {
  if (f == 0 && std::signbit(f)) return "-0.0";
  if (std::isfinite(f) && std::floor(f) == f) {
    if (std::fabs(f) < 1e21) return js_number_to_string(f) + ".0";  // toFixed(1)
    return js_number_to_string(f);
  }
  return js_number_to_string(f);
}

std::string to_output_string(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: return "undefined";
    case Kind::kNull: return "null";
    case Kind::kBool: return v.b ? "true" : "false";
    case Kind::kInt: return std::to_string(v.i);
    case Kind::kFloat: return float_to_output(v.f);
    case Kind::kString: return *v.s;
    case Kind::kArray: case Kind::kNamespace: case Kind::kObject: case Kind::kKwArgs: case Kind::kTuple:
      return to_json(v, JsonOptions{}, false);
    case Kind::kFunction: return "[function " + v.fn->name + "]";
  }
  return "";
}

std::string js_value_string(const Value& v, bool nullish_empty) {
  switch (v.kind) {
    case Kind::kUndefined: return nullish_empty ? "" : "undefined";
    case Kind::kNull: return nullish_empty ? "" : "null";
    case Kind::kBool: return v.b ? "true" : "false";
    case Kind::kInt: return std::to_string(v.i);
    case Kind::kFloat: return js_number_to_string(v.f);
    case Kind::kString: return *v.s;
    case Kind::kArray: case Kind::kTuple: {
      // Array.prototype.toString on an array of RuntimeValue objects.
      std::string out;
      bool first = true;
      for (const auto& x : v.arr->items) {
        if (!first) out += ',';
        first = false;
        out += to_output_string(x);
        if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit");
      }
      return out;
    }
    case Kind::kObject: case Kind::kKwArgs: case Kind::kNamespace: return "[object Map]";
    case Kind::kFunction: return "[function " + v.fn->name + "]";
  }
  return "";
}

static int locale_compare(const std::string& a, const std::string& b) {
  // Approximation of String.prototype.localeCompare for keys: case-insensitive first.
  std::string la = js_lower(a), lb = js_lower(b);
  if (la != lb) return la < lb ? -1 : 1;
  if (a != b) return a < b ? 1 : -1;  // lower case sorts first in ICU
  return 0;
}

std::string to_json(const Value& v, const JsonOptions& opt, bool undefined_as_null, int depth) {
  if (depth > kMaxValueDepth * 2 + 8) fail_limit("value nesting exceeds the depth limit");
  std::string item_sep, key_sep;
  if (opt.has_separators) {
    item_sep = opt.item_sep;
    key_sep = opt.key_sep;
  } else if (opt.indent > 0) {
    item_sep = ",";
    key_sep = ": ";
  } else {
    item_sep = ", ";
    key_sep = ": ";
  }
  switch (v.kind) {
    case Kind::kNull: return "null";
    case Kind::kUndefined: return undefined_as_null ? "null" : "undefined";
    case Kind::kInt: return std::to_string(v.i);
    case Kind::kFloat: return std::isfinite(v.f) ? js_number_to_string(v.f) : "null";
    case Kind::kBool: return v.b ? "true" : "false";
    case Kind::kString: return js_json_quote(*v.s, opt.ensure_ascii);
    case Kind::kArray: case Kind::kNamespace: case Kind::kObject: {
      const std::string indent_str(opt.indent > 0 ? static_cast<size_t>(opt.indent) : 0, ' ');
      std::string base = "\n";
      for (int k = 0; k < depth; ++k) base += indent_str;
      const std::string child = base + indent_str;
      std::string out;
      auto check = [&] { if (out.size() > kMaxStringBytes) fail_limit("string exceeds the size limit"); };
      if (v.kind == Kind::kArray) {
        const auto& items = v.arr->items;
        const bool ind = opt.indent > 0 && !items.empty();
        out = "[";
        for (size_t k = 0; k < items.size(); ++k) {
          if (k) out += item_sep;
          if (ind) out += child;
          out += to_json(items[k], opt, undefined_as_null, depth + 1);
          check();
        }
        if (ind) out += base;
        out += "]";
        return out;
      }
      std::vector<const std::pair<std::string, Value>*> entries;
      for (const auto& e : v.obj->map.entries()) entries.push_back(&e);
      if (opt.sort_keys)
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto* a, auto* b) { return locale_compare(a->first, b->first) < 0; });
      const bool ind = opt.indent > 0 && !entries.empty();
      out = "{";
      for (size_t k = 0; k < entries.size(); ++k) {
        if (k) out += item_sep;
        if (opt.indent > 0) out += child;
        out += js_json_quote(entries[k]->first, opt.ensure_ascii);
        out += key_sep;
        out += to_json(entries[k]->second, opt, undefined_as_null, depth + 1);
        check();
      }
      if (ind) out += base;
      out += "}";
      return out;
    }
    default:
      fail(std::string("Cannot convert to JSON: ") + type_name(v.kind));
  }
}

static bool is_ref(const Value& v) {
  return v.is_array() || v.is_attr_container() || v.kind == Kind::kFunction;
}
static const void* ref_ptr(const Value& v) {
  if (v.arr) return v.arr.get();
  if (v.obj) return v.obj.get();
  return v.fn.get();
}

static double js_to_number(const std::string& s0) {
  std::string s = js_trim(s0, true, true);
  if (s.empty()) return 0;
  if (s == "Infinity" || s == "+Infinity") return INFINITY;
  if (s == "-Infinity") return -INFINITY;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
    const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    double r = 0;
    for (size_t k = 2; k < s.size(); ++k) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
      if (d >= base) return NAN;
      r = r * base + d;
    }
    return r;
  }
  // Decimal literal: [+-] digits [. digits] [e [+-] digits]
  size_t k = 0;
  if (s[k] == '+' || s[k] == '-') ++k;
  size_t digits = 0;
  while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) { ++k; ++digits; }
  if (k < s.size() && s[k] == '.') {
    ++k;
    while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) { ++k; ++digits; }
  }
  if (digits == 0) return NAN;
  if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
    ++k;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    size_t ed = 0;
    while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) { ++k; ++ed; }
    if (ed == 0) return NAN;
  }
  if (k != s.size()) return NAN;
  return std::strtod(s.c_str(), nullptr);
}

bool loose_equals(const Value& a, const Value& b) {
  const bool an = a.is_null() || a.is_undefined(), bn = b.is_null() || b.is_undefined();
  if (an || bn) return an && bn;
  if (is_ref(a) && is_ref(b)) return ref_ptr(a) == ref_ptr(b);
  if (a.kind == Kind::kBool) return loose_equals(Value::number(a.b ? 1 : 0), b);
  if (b.kind == Kind::kBool) return loose_equals(a, Value::number(b.b ? 1 : 0));
  if (is_ref(a)) return loose_equals(Value::string(js_value_string(a)), b);
  if (is_ref(b)) return loose_equals(a, Value::string(js_value_string(b)));
  if (a.is_number() && b.is_number()) return a.num() == b.num();
  if (a.is_string() && b.is_string()) return *a.s == *b.s;
  if (a.is_number() && b.is_string()) return a.num() == js_to_number(*b.s);
  if (a.is_string() && b.is_number()) return js_to_number(*a.s) == b.num();
  return false;
}

bool strict_equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.num() == b.num();
  if (is_ref(a) && is_ref(b)) return ref_ptr(a) == ref_ptr(b);
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kUndefined: case Kind::kNull: return true;
    case Kind::kBool: return a.b == b.b;
    case Kind::kString: return *a.s == *b.s;
    default: return false;
  }
}

// ---- JSON conversion ----
static bool is_array_index(const std::string& k, uint64_t& out) {
  if (k.empty() || k.size() > 10) return false;
  if (k.size() > 1 && k[0] == '0') return false;
  uint64_t v = 0;
  for (char c : k) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v >= 4294967295ull) return false;
  out = v;
  return true;
}

template <typename J>
static Value from_json_impl(const J& j, int depth) {
  if (depth > kMaxValueDepth) fail_limit("context nesting exceeds the depth limit (" + std::to_string(kMaxValueDepth) + ")");
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value::null();
    case nlohmann::json::value_t::boolean: return Value::boolean(j.template get<bool>());
    case nlohmann::json::value_t::number_integer: return Value::integer(j.template get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      const auto u = j.template get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::integer(static_cast<int64_t>(u));
      return Value::number(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float: {
      const double d = j.template get<double>();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740992.0)
        return Value::integer(static_cast<int64_t>(d));  // JS Number.isInteger
      return Value::number(d);
    }
    case nlohmann::json::value_t::string: return Value::string(j.template get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& x : j) items.push_back(from_json_impl(x, depth + 1));
      return Value::array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<uint64_t, std::string>> numeric;
      for (auto it = j.begin(); it != j.end(); ++it) {
        uint64_t idx = 0;
        if (is_array_index(it.key(), idx)) numeric.emplace_back(idx, it.key());
      }
      std::sort(numeric.begin(), numeric.end());
      OrderedMap m;
      for (const auto& [idx, key] : numeric) m.set(key, from_json_impl(j.at(key), depth + 1));
      for (auto it = j.begin(); it != j.end(); ++it) {
        uint64_t idx = 0;
        if (!is_array_index(it.key(), idx)) m.set(it.key(), from_json_impl(it.value(), depth + 1));
      }
      return Value::object(std::move(m));
    }
    default:
      return Value::undefined();
  }
}

Value from_json(const nlohmann::ordered_json& j, int depth) { return from_json_impl(j, depth); }
Value from_json(const nlohmann::json& j, int depth) { return from_json_impl(j, depth); }

}  // namespace onboard::jinja
