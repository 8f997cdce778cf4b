// Tree-walking evaluator with @huggingface/jinja's runtime semantics (scoping, operators,
// member access, filters, tests, macros), bounded in depth, steps and output size.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/value.h"

namespace onboard::jinja {

class Env {
 public:
  explicit Env(Env* parent = nullptr) : parent_(parent) {}
  Value lookup(const std::string& name) const;
  void set(const std::string& name, Value v) { vars_[name] = std::move(v); }
  bool has_local(const std::string& name) const { return vars_.count(name) != 0; }

 private:
  Env* parent_;
  std::unordered_map<std::string, Value> vars_;
};

struct Limits {
  uint64_t max_steps = 2'000'000;  // evaluated nodes per render
  int max_depth = 600;             // nested evaluations (tree depth + macro calls)
  int max_macro_depth = 64;
  size_t max_output = kMaxStringBytes;
};

class Interpreter {
 public:
  explicit Interpreter(Limits limits = {}) : limits_(limits) {}
  // Installs the globals (true/false/none, namespace, range, raise_exception, strftime_now).
  static void setup_globals(Env& env);
  // Renders a program. Throws JinjaError.
  std::string render(const std::vector<NodePtr>& program, Env& env);

  Value eval(const Node& n, Env& env);
  std::string eval_block(const std::vector<NodePtr>& body, Env& env);
  CallArgs eval_args(const std::vector<NodePtr>& args, Env& env);
  // Counts work against Limits::max_steps (every node, loop item and produced list item).
  void charge_step(uint32_t pos, uint64_t cost = 1);

  // filters.cpp
  Value apply_filter(const Value& operand, const Node& filter, Env& env);
  // builtins.cpp
  static Value member(const Value& object, const Value& property, uint32_t pos);
  static bool run_test(const std::string& name, const Value& operand, const Value* arg, bool has_arg, uint32_t pos);
  static bool has_test(const std::string& name);

 private:
  Value eval_binary(const Node& n, Env& env);
  Value eval_unary(const Node& n, Env& env);
  Value eval_member(const Node& n, Env& env);
  Value eval_slice(const Value& object, const Node& slice, Env& env);
  Value eval_call(const Node& n, Env& env);
  Value eval_for(const Node& n, Env& env);
  Value eval_set(const Node& n, Env& env);
  Value eval_macro(const Node& n, Env& env);
  Value eval_call_block(const Node& n, Env& env);
  void bind_macro_args(const std::string& name, const std::vector<NodePtr>& params, const std::vector<NodePtr>& body,
                       CallArgs& args, Env& scope, uint32_t pos);

  Limits limits_;
  uint64_t steps_ = 0;
  int depth_ = 0;
  int macro_depth_ = 0;
};

// The methods of a dict (get, items, keys, values, dictsort) bound to `object`; undefined if none.
Value object_builtin(const Value& object, const std::string& name);
// compareRuntimeValues() (sort, dictsort).
int compare_values(const Value& a, const Value& b, bool case_sensitive, uint32_t pos);
// getAttributeValue(): dotted path lookup ("a.b.0") used by sort(attribute=) and map(attribute=).
Value attribute_path(const Value& item, const std::string& path);
// String.prototype.split / replace as the reference uses them.
std::vector<std::string> js_split(const std::string& s, const std::string& sep);
std::string js_replace(const std::string& s, const std::string& old_value, const std::string& new_value, int64_t count);

// break / continue propagate as exceptions, exactly like the reference's BreakControl.
struct BreakSignal { uint32_t pos; };
struct ContinueSignal { uint32_t pos; };

}  // namespace onboard::jinja
