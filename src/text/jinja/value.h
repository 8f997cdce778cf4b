// Runtime values of the Jinja interpreter, mirroring @huggingface/jinja's RuntimeValue
// classes (UndefinedValue, NullValue, BooleanValue, IntegerValue, FloatValue, StringValue,
// ArrayValue, TupleValue, ObjectValue, KeywordArgumentsValue, NamespaceValue, FunctionValue)
// including their JavaScript string conversions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/jinja/error.h"

namespace onboard::jinja {

struct Value;
class Env;

// Insertion-ordered string map (JS Map semantics).
class OrderedMap {
 public:
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  void set(const std::string& key, Value v);
  bool erase(const std::string& key);
  size_t size() const;  // out of line: Value is incomplete here (clang instantiates eagerly)
  bool empty() const;
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, Value>> entries_;
  std::unordered_map<std::string, size_t> index_;
};

struct CallArgs {
  std::vector<Value> pos;
  OrderedMap kw;
};
using NativeFn = std::function<Value(CallArgs& args, Env& env)>;

enum class Kind : uint8_t {
  kUndefined, kNull, kBool, kInt, kFloat, kString, kArray, kTuple, kObject, kKwArgs, kNamespace, kFunction
};

struct ArrayData {
  std::vector<Value> items;
  int depth = 1;
  bool holds_ref = false;  // contains a namespace or a function (may not be stored in a namespace)
};
struct ObjectData {
  OrderedMap map;
  int depth = 1;
  bool holds_ref = false;
};
struct FunctionData {
  std::string name;
  NativeFn fn;
};

struct Value {
  Kind kind = Kind::kUndefined;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::shared_ptr<const std::string> s;
  std::shared_ptr<ArrayData> arr;
  std::shared_ptr<ObjectData> obj;
  std::shared_ptr<FunctionData> fn;

  static Value undefined() { return Value{}; }
  static Value null() { Value v; v.kind = Kind::kNull; return v; }
  static Value boolean(bool x) { Value v; v.kind = Kind::kBool; v.b = x; return v; }
  static Value integer(int64_t x) { Value v; v.kind = Kind::kInt; v.i = x; return v; }
  static Value number(double x) { Value v; v.kind = Kind::kFloat; v.f = x; return v; }
  static Value string(std::string x);
  static Value array(std::vector<Value> items, Kind kind = Kind::kArray);
  static Value object(OrderedMap map, Kind kind = Kind::kObject);
  static Value function(std::string name, NativeFn fn);

  bool is_undefined() const { return kind == Kind::kUndefined; }
  bool is_null() const { return kind == Kind::kNull; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_array() const { return kind == Kind::kArray || kind == Kind::kTuple; }
  bool is_object() const { return kind == Kind::kObject || kind == Kind::kKwArgs; }  // instanceof ObjectValue
  bool is_attr_container() const { return is_object() || kind == Kind::kNamespace; }
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  bool is_numeric_like() const { return is_number() || kind == Kind::kBool; }
  double num() const { return kind == Kind::kInt ? static_cast<double>(i) : kind == Kind::kFloat ? f : (b ? 1 : 0); }
  const std::string& str() const { return *s; }
  const std::vector<Value>& items() const { return arr->items; }
  int depth() const;
  bool holds_ref() const;
};

// @huggingface/jinja type names ("StringValue", ...) for error messages.
const char* type_name(Kind k);
// RuntimeValue.__bool__().
bool truthy(const Value& v);
// RuntimeValue.toString(): what `{{ v }}` prints.
std::string to_output_string(const Value& v);
// `v.value.toString()` in JS (used by `+` / `~` with strings and by `join`).
std::string js_value_string(const Value& v, bool nullish_empty = false);

struct JsonOptions {
  int indent = 0;  // 0 = none
  bool ensure_ascii = false;
  bool sort_keys = false;
  bool has_separators = false;
  std::string item_sep, key_sep;
};
// toJSON(): the `tojson` filter and container printing.
std::string to_json(const Value& v, const JsonOptions& opt, bool undefined_as_null = true, int depth = 0);

// JS `a.value == b.value` (the template `==`).
bool loose_equals(const Value& a, const Value& b);
// JS `a.value === b.value` (`in` on arrays, unique, equalto).
bool strict_equals(const Value& a, const Value& b);

// JSON context -> values (JS Object.entries order: integer-like keys first, ascending).
Value from_json(const nlohmann::ordered_json& j, int depth = 0);
Value from_json(const nlohmann::json& j, int depth = 0);

constexpr int kMaxValueDepth = 256;
constexpr size_t kMaxStringBytes = 32u << 20;   // any single string value
constexpr size_t kMaxArrayItems = 1u << 20;

}  // namespace onboard::jinja
