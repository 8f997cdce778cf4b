#include "text/jinja/interpreter.h"

#include <cmath>
#include <limits>

#include "text/jinja/error.h"
#include "text/jinja/unicode.h"

namespace onboard::jinja {

Value Env::lookup(const std::string& name) const {
  for (const Env* e = this; e != nullptr; e = e->parent_) {
    auto it = e->vars_.find(name);
    if (it != e->vars_.end()) return it->second;
  }
  return Value::undefined();
}

namespace {

struct DepthGuard {
  DepthGuard(int& d, int limit, uint32_t pos, const char* what) : d_(d) {
    if (++d_ > limit) {
      --d_;
      fail_limit(std::string(what) + " exceeds the limit (" + std::to_string(limit) + ")", pos);
    }
  }
  ~DepthGuard() { --d_; }
  int& d_;
};

void append_checked(std::string& out, const std::string& piece, size_t limit, uint32_t pos) {
  if (out.size() + piece.size() > limit)
    fail_limit("rendered output exceeds the size limit (" + std::to_string(limit) + " bytes)", pos);
  out += piece;
}

// Does the body mention `name` (kwargs / varargs) as an identifier?
bool mentions(const Node& n, const std::string& name) {
  if (n.kind == NodeKind::kIdent && n.str == name) return true;
  for (const Node* c : {n.x.get(), n.y.get(), n.z.get()})
    if (c && mentions(*c, name)) return true;
  for (const auto& c : n.list) if (mentions(*c, name)) return true;
  for (const auto& c : n.list2) if (mentions(*c, name)) return true;
  return false;
}
bool mentions(const std::vector<NodePtr>& body, const std::string& name) {
  for (const auto& c : body) if (mentions(*c, name)) return true;
  return false;
}

std::vector<int64_t> slice_indices(int64_t len, const Value& start_v, const Value& stop_v, const Value& step_v) {
  const int64_t step = step_v.is_undefined() ? 1 : step_v.i;
  std::vector<int64_t> out;
  if (step == 0) return out;
  int64_t start, stop;
  if (step > 0) {
    start = start_v.is_undefined() ? 0 : start_v.i;
    start = start < 0 ? std::max<int64_t>(len + start, 0) : std::min(start, len);
    stop = stop_v.is_undefined() ? len : stop_v.i;
    stop = stop < 0 ? std::max<int64_t>(len + stop, 0) : std::min(stop, len);
    for (int64_t i = start; i < stop; i += step) out.push_back(i);
  } else {
    start = start_v.is_undefined() ? len - 1 : start_v.i;
    start = start < 0 ? std::max<int64_t>(len + start, -1) : std::min(start, len - 1);
    stop = stop_v.is_undefined() ? -1 : stop_v.i;
    stop = stop < -1 ? std::max<int64_t>(len + stop, -1) : std::min(stop, len - 1);
    for (int64_t i = start; i > stop; i += step) out.push_back(i);
  }
  return out;
}

}  // namespace

std::string Interpreter::render(const std::vector<NodePtr>& program, Env& env) {
  try {
    return eval_block(program, env);
  } catch (const BreakSignal& b) {
    fail("'break' outside of a for loop", b.pos);
  } catch (const ContinueSignal& c) {
    fail("'continue' outside of a for loop", c.pos);
  }
}

std::string Interpreter::eval_block(const std::vector<NodePtr>& body, Env& env) {
  std::string out;
  for (const auto& st : body) {
    Value v = eval(*st, env);
    if (v.is_null() || v.is_undefined()) continue;
    if (v.is_string()) append_checked(out, v.str(), limits_.max_output, st->pos);
    else append_checked(out, to_output_string(v), limits_.max_output, st->pos);
  }
  return out;
}

CallArgs Interpreter::eval_args(const std::vector<NodePtr>& args, Env& env) {
  CallArgs out;
  for (const auto& a : args) {
    if (a->kind == NodeKind::kSpread) {
      Value v = eval(*a->x, env);
      if (!v.is_array()) fail(std::string("Cannot unpack non-iterable type: ") + type_name(v.kind), a->pos);
      for (const auto& x : v.items()) out.pos.push_back(x);
    } else if (a->kind != NodeKind::kKwArg && a->kind != NodeKind::kKwSpread) {
      out.pos.push_back(eval(*a, env));
    }
  }
  for (const auto& a : args) {
    if (a->kind == NodeKind::kKwArg) {
      if (out.kw.find(a->str)) fail("Got multiple values for keyword argument '" + a->str + "'", a->pos);
      out.kw.set(a->str, eval(*a->x, env));
    } else if (a->kind == NodeKind::kKwSpread) {
      Value v = eval(*a->x, env);
      if (!v.is_object()) fail(std::string("Argument after ** must be a mapping, not ") + type_name(v.kind), a->pos);
      for (const auto& [k, x] : v.obj->map.entries()) {
        if (out.kw.find(k)) fail("Got multiple values for keyword argument '" + k + "'", a->pos);
        out.kw.set(k, x);
      }
    }
  }
  return out;
}

void Interpreter::charge_step(uint32_t pos, uint64_t cost) {
  steps_ += cost;
  if (steps_ > limits_.max_steps)
    fail_limit("template exceeded the evaluation step limit (" + std::to_string(limits_.max_steps) + ")", pos);
}

Value Interpreter::eval(const Node& n, Env& env) {
  charge_step(n.pos);
  DepthGuard guard(depth_, limits_.max_depth, n.pos, "evaluation depth");
  switch (n.kind) {
    case NodeKind::kText: return Value::string(n.str);
    case NodeKind::kComment: return Value::null();
    case NodeKind::kIf: {
      const Value test = eval(*n.x, env);
      return Value::string(eval_block(truthy(test) ? n.list : n.list2, env));
    }
    case NodeKind::kFor: return eval_for(n, env);
    case NodeKind::kSet: return eval_set(n, env);
    case NodeKind::kMacro: return eval_macro(n, env);
    case NodeKind::kCallBlock: return eval_call_block(n, env);
    case NodeKind::kFilterBlock: {
      const Value body = Value::string(eval_block(n.list, env));
      return apply_filter(body, *n.x, env);
    }
    case NodeKind::kBreak: throw BreakSignal{n.pos};
    case NodeKind::kContinue: throw ContinueSignal{n.pos};
    case NodeKind::kIdent: return env.lookup(n.str);
    case NodeKind::kInt: return Value::integer(n.ival);
    case NodeKind::kFloat: return Value::number(n.fval);
    case NodeKind::kString: return Value::string(n.str);
    case NodeKind::kArray:
    case NodeKind::kTuple: {
      std::vector<Value> items;
      items.reserve(n.list.size());
      for (const auto& c : n.list) items.push_back(eval(*c, env));
      return Value::array(std::move(items), n.kind == NodeKind::kArray ? Kind::kArray : Kind::kTuple);
    }
    case NodeKind::kObject: {
      OrderedMap m;
      for (size_t k = 0; k < n.list.size(); ++k) {
        const Value key = eval(*n.list[k], env);
        if (!key.is_string()) fail(std::string("Object keys must be strings: got ") + type_name(key.kind), n.list[k]->pos);
        m.set(key.str(), eval(*n.list2[k], env));
      }
      return Value::object(std::move(m));
    }
    case NodeKind::kMember: return eval_member(n, env);
    case NodeKind::kCall: return eval_call(n, env);
    case NodeKind::kBinary: return eval_binary(n, env);
    case NodeKind::kUnary: return eval_unary(n, env);
    case NodeKind::kFilter: {
      const Value operand = eval(*n.x, env);
      return apply_filter(operand, *n.y, env);
    }
    case NodeKind::kTest: {
      const Value operand = eval(*n.x, env);
      if (!has_test(n.str)) fail("Unknown test: " + n.str, n.pos);
      const bool r = run_test(n.str, operand, nullptr, false, n.pos);
      return Value::boolean(n.flag ? !r : r);
    }
    case NodeKind::kSelect: {
      const Value pred = eval(*n.y, env);
      if (!truthy(pred)) return Value::undefined();
      return eval(*n.x, env);
    }
    case NodeKind::kTernary: {
      const Value cond = eval(*n.x, env);
      return truthy(cond) ? eval(*n.y, env) : eval(*n.z, env);
    }
    default:
      fail("Unknown node type in this position (slice, keyword argument or unpacking outside a call)", n.pos);
  }
}

Value Interpreter::eval_binary(const Node& n, Env& env) {
  const std::string& op = n.str;
  Value left = eval(*n.x, env);
  if (op == "and") return truthy(left) ? eval(*n.y, env) : left;
  if (op == "or") return truthy(left) ? left : eval(*n.y, env);
  Value right = eval(*n.y, env);
  if (op == "==") return Value::boolean(loose_equals(left, right));
  if (op == "!=") return Value::boolean(!loose_equals(left, right));
  if (left.is_undefined() || right.is_undefined()) {
    if (right.is_undefined() && (op == "in" || op == "not in")) return Value::boolean(op == "not in");
    fail("Cannot perform operation " + op + " on undefined values", n.pos);
  }
  if (left.is_null() || right.is_null()) fail("Cannot perform operation " + op + " on null values", n.pos);
  if (op == "~") return Value::string(js_value_string(left) + js_value_string(right));
  if (op == "**" && left.is_numeric_like() && right.is_numeric_like()) {
    const double a = left.num(), b = right.num();
    if (a == 0 && b < 0) fail("0.0 cannot be raised to a negative power", n.pos);
    const double r = std::pow(a, b);
    if (!std::isfinite(r)) fail("Exponentiation result is not a finite real number", n.pos);
    const bool is_float = left.kind == Kind::kFloat || right.kind == Kind::kFloat || b < 0;
    if (is_float) return Value::number(r);
    if (std::fabs(r) >= 9.2e18) fail("integer overflow in **", n.pos);
    return Value::integer(static_cast<int64_t>(r));
  }
  if (left.is_number() && right.is_number()) {
    const bool is_float = left.kind == Kind::kFloat || right.kind == Kind::kFloat;
    const double a = left.num(), b = right.num();
    if (op == "+" || op == "-" || op == "*") {
      if (is_float) return Value::number(op == "+" ? a + b : op == "-" ? a - b : a * b);
      int64_t r = 0;
      const bool overflow = op == "+" ? __builtin_add_overflow(left.i, right.i, &r)
                            : op == "-" ? __builtin_sub_overflow(left.i, right.i, &r)
                                        : __builtin_mul_overflow(left.i, right.i, &r);
      if (overflow) fail("integer overflow in " + op, n.pos);
      return Value::integer(r);
    }
    if (op == "/") return Value::number(a / b);
    if (op == "//") {
      if (is_float) return Value::number(std::floor(a / b));
      if (right.i == 0) fail("integer division by zero", n.pos);
      const double r = std::floor(a / b);
      if (std::fabs(r) >= 9.2e18) fail("integer overflow in //", n.pos);
      return Value::integer(static_cast<int64_t>(r));
    }
    if (op == "%") {
      if (is_float) return Value::number(std::fmod(a, b));
      if (right.i == 0) fail("integer modulo by zero", n.pos);
      if (right.i == -1) return Value::integer(0);
      return Value::integer(left.i % right.i);
    }
    if (op == "<") return Value::boolean(a < b);
    if (op == ">") return Value::boolean(a > b);
    if (op == ">=") return Value::boolean(a >= b);
    if (op == "<=") return Value::boolean(a <= b);
  } else if (left.is_array() && right.is_array()) {
    if (op == "+") {
      std::vector<Value> items = left.items();
      if (items.size() + right.items().size() > kMaxArrayItems) fail_limit("list exceeds the size limit", n.pos);
      charge_step(n.pos, items.size() + right.items().size());
      items.insert(items.end(), right.items().begin(), right.items().end());
      return Value::array(std::move(items));
    }
  } else if (right.is_array()) {
    if (op == "in" || op == "not in") {
      bool member = false;
      for (const auto& x : right.items())
        if (strict_equals(x, left)) { member = true; break; }
      return Value::boolean(op == "in" ? member : !member);
    }
  }
  if ((left.is_string() || right.is_string()) && op == "+")
    return Value::string(js_value_string(left) + js_value_string(right));
  if (left.is_string() && right.is_string()) {
    if (op == "in") return Value::boolean(right.str().find(left.str()) != std::string::npos);
    if (op == "not in") return Value::boolean(right.str().find(left.str()) == std::string::npos);
  }
  if (left.is_string() && right.is_object()) {
    if (op == "in") return Value::boolean(right.obj->map.find(left.str()) != nullptr);
    if (op == "not in") return Value::boolean(right.obj->map.find(left.str()) == nullptr);
  }
  fail("Unknown operator \"" + op + "\" between " + type_name(left.kind) + " and " + type_name(right.kind), n.pos);
}

Value Interpreter::eval_unary(const Node& n, Env& env) {
  const Value arg = eval(*n.x, env);
  if (n.str == "not") return Value::boolean(!truthy(arg));
  const bool neg = n.str == "-";
  if (arg.kind == Kind::kFloat) return Value::number(neg ? -arg.f : arg.f);
  if (arg.kind == Kind::kInt || arg.kind == Kind::kBool) {
    const int64_t v = arg.kind == Kind::kBool ? (arg.b ? 1 : 0) : arg.i;
    if (neg && v == std::numeric_limits<int64_t>::min()) fail("integer overflow in unary -", n.pos);
    return Value::integer(neg ? -v : v);
  }
  fail("Unknown operator \"" + n.str + "\" for " + type_name(arg.kind), n.pos);
}

Value Interpreter::eval_slice(const Value& object, const Node& s, Env& env) {
  if (!object.is_array() && !object.is_string()) fail("Slice object must be an array or string", s.pos);
  const Value start = s.x ? eval(*s.x, env) : Value::undefined();
  const Value stop = s.y ? eval(*s.y, env) : Value::undefined();
  const Value step = s.z ? eval(*s.z, env) : Value::undefined();
  if (!(start.kind == Kind::kInt || start.is_undefined())) fail("Slice start must be numeric or undefined", s.pos);
  if (!(stop.kind == Kind::kInt || stop.is_undefined())) fail("Slice stop must be numeric or undefined", s.pos);
  if (!(step.kind == Kind::kInt || step.is_undefined())) fail("Slice step must be numeric or undefined", s.pos);
  if (object.is_array()) {
    const auto& items = object.items();
    std::vector<Value> out;
    for (int64_t i : slice_indices(static_cast<int64_t>(items.size()), start, stop, step)) out.push_back(items[static_cast<size_t>(i)]);
    return Value::array(std::move(out));
  }
  const auto cps = utf8_to_codepoints(object.str());
  std::string out;
  for (int64_t i : slice_indices(static_cast<int64_t>(cps.size()), start, stop, step)) utf8_append(out, cps[static_cast<size_t>(i)]);
  return Value::string(std::move(out));
}

Value Interpreter::eval_member(const Node& n, Env& env) {
  const Value object = eval(*n.x, env);
  Value property;
  if (n.flag) {
    if (n.y->kind == NodeKind::kSlice) return eval_slice(object, *n.y, env);
    property = eval(*n.y, env);
  } else if (n.y->kind == NodeKind::kInt) {
    property = Value::integer(n.y->ival);
  } else {
    property = Value::string(n.y->str);
  }
  return member(object, property, n.pos);
}

Value Interpreter::eval_call(const Node& n, Env& env) {
  CallArgs args = eval_args(n.list, env);
  const Value fn = eval(*n.x, env);
  if (fn.kind != Kind::kFunction) {
    std::string what = n.x->kind == NodeKind::kIdent ? " '" + n.x->str + "'" : "";
    fail(std::string("Cannot call something that is not a function") + what + ": got " + type_name(fn.kind), n.pos);
  }
  try {
    Value r = fn.fn->fn(args, env);
    if (r.is_array()) charge_step(n.pos, r.items().size());
    return r;
  } catch (JinjaError& e) {
    if (e.pos == kNoPos) e.pos = n.pos;
    throw;
  }
}

Value Interpreter::eval_for(const Node& n, Env& env) {
  Env scope(&env);
  const Node* test = nullptr;
  Value iterable;
  if (n.y->kind == NodeKind::kSelect) {
    iterable = eval(*n.y->x, scope);
    test = n.y->y.get();
  } else {
    iterable = eval(*n.y, scope);
  }
  if (!iterable.is_array() && !iterable.is_object())
    fail(std::string("Expected iterable or object type in for loop: got ") + type_name(iterable.kind), n.y->pos);
  std::vector<Value> all;
  if (iterable.is_object()) {
    for (const auto& [k, v] : iterable.obj->map.entries()) all.push_back(Value::string(k));
  } else {
    all = iterable.items();
  }
  const Node& var = *n.x;
  auto assign = [&](Env& target, const Value& current) {
    if (var.kind == NodeKind::kIdent) {
      target.set(var.str, current);
      return;
    }
    if (current.kind != Kind::kArray) fail(std::string("Cannot unpack non-iterable type: ") + type_name(current.kind), var.pos);
    if (var.list.size() != current.items().size())
      fail(std::string("Too ") + (var.list.size() > current.items().size() ? "few" : "many") + " items to unpack", var.pos);
    for (size_t j = 0; j < var.list.size(); ++j) {
      if (var.list[j]->kind != NodeKind::kIdent) fail("Cannot unpack non-identifier type", var.list[j]->pos);
      target.set(var.list[j]->str, current.items()[j]);
    }
  };
  std::vector<Value> items;
  for (const auto& current : all) {
    charge_step(n.pos);
    if (var.kind == NodeKind::kTuple) {
      if (current.kind != Kind::kArray) fail(std::string("Cannot unpack non-iterable type: ") + type_name(current.kind), var.pos);
      if (var.list.size() != current.items().size())
        fail(std::string("Too ") + (var.list.size() > current.items().size() ? "few" : "many") + " items to unpack", var.pos);
    }
    if (test) {
      Env loop_scope(&scope);
      assign(loop_scope, current);
      if (!truthy(eval(*test, loop_scope))) continue;
    }
    items.push_back(current);
  }
  std::string result;
  bool no_iteration = true;
  const int64_t len = static_cast<int64_t>(items.size());
  for (int64_t i = 0; i < len; ++i) {
    charge_step(n.pos);
    OrderedMap loop;
    loop.set("index", Value::integer(i + 1));
    loop.set("index0", Value::integer(i));
    loop.set("revindex", Value::integer(len - i));
    loop.set("revindex0", Value::integer(len - i - 1));
    loop.set("first", Value::boolean(i == 0));
    loop.set("last", Value::boolean(i == len - 1));
    loop.set("length", Value::integer(len));
    loop.set("previtem", i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined());
    loop.set("nextitem", i < len - 1 ? items[static_cast<size_t>(i + 1)] : Value::undefined());
    scope.set("loop", Value::object(std::move(loop)));
    assign(scope, items[static_cast<size_t>(i)]);
    try {
      append_checked(result, eval_block(n.list, scope), limits_.max_output, n.pos);
    } catch (const ContinueSignal&) {
      continue;
    } catch (const BreakSignal&) {
      break;
    }
    no_iteration = false;
  }
  if (no_iteration) append_checked(result, eval_block(n.list2, scope), limits_.max_output, n.pos);
  return Value::string(std::move(result));
}

Value Interpreter::eval_set(const Node& n, Env& env) {
  Value rhs = n.y ? eval(*n.y, env) : Value::string(eval_block(n.list, env));
  const Node& target = *n.x;
  if (target.kind == NodeKind::kIdent) {
    env.set(target.str, std::move(rhs));
  } else if (target.kind == NodeKind::kTuple) {
    if (!rhs.is_array()) fail(std::string("Cannot unpack non-iterable type in set: ") + type_name(rhs.kind), target.pos);
    const auto& arr = rhs.items();
    if (arr.size() != target.list.size())
      fail(std::string("Too ") + (target.list.size() > arr.size() ? "few" : "many") + " items to unpack in set", target.pos);
    for (size_t j = 0; j < target.list.size(); ++j) {
      if (target.list[j]->kind != NodeKind::kIdent) fail("Cannot unpack to non-identifier in set", target.list[j]->pos);
      env.set(target.list[j]->str, arr[j]);
    }
  } else if (target.kind == NodeKind::kMember) {
    const Value object = eval(*target.x, env);
    if (object.kind != Kind::kNamespace) fail("cannot assign attribute on non-namespace object", target.pos);
    if (target.y->kind != NodeKind::kIdent || target.flag)
      fail("Cannot assign to member with non-identifier property", target.pos);
    if (rhs.holds_ref()) fail("a namespace attribute cannot hold a namespace, function or macro", target.pos);
    if (rhs.depth() + 1 > kMaxValueDepth) fail_limit("value nesting exceeds the depth limit", target.pos);
    object.obj->depth = std::max(object.obj->depth, rhs.depth() + 1);
    object.obj->map.set(target.y->str, std::move(rhs));
  } else {
    fail("Invalid left-hand side in set statement", target.pos);
  }
  return Value::null();
}

void Interpreter::bind_macro_args(const std::string& name, const std::vector<NodePtr>& params,
                                  const std::vector<NodePtr>& body, CallArgs& args, Env& scope, uint32_t pos) {
  OrderedMap kw = args.kw;
  std::vector<std::pair<std::string, const Node*>> pending;
  for (size_t i = 0; i < params.size(); ++i) {
    const Node& p = *params[i];
    const std::string& pname = p.str;
    const Node* def = p.kind == NodeKind::kKwArg ? p.x.get() : nullptr;
    Value v;
    bool have = i < args.pos.size();
    if (have) v = args.pos[i];
    if (!have) {
      if (const Value* k = kw.find(pname)) {
        v = *k;
        have = true;
        kw.erase(pname);
      }
    }
    if (!have && def) pending.emplace_back(pname, def);
    scope.set(pname, have ? v : Value::undefined());
  }
  const bool wants_kwargs = mentions(body, "kwargs");
  const bool wants_varargs = mentions(body, "varargs");
  if (wants_kwargs) {
    scope.set("kwargs", Value::object(kw));
  } else if (!kw.empty()) {
    fail("macro " + name + " takes no keyword argument '" + kw.entries().front().first + "'", pos);
  }
  if (wants_varargs) {
    std::vector<Value> rest;
    for (size_t i = params.size(); i < args.pos.size(); ++i) rest.push_back(args.pos[i]);
    scope.set("varargs", Value::array(std::move(rest)));
  } else if (args.pos.size() > params.size()) {
    fail("macro " + name + " takes not more than " + std::to_string(params.size()) + " argument(s)", pos);
  }
  for (const auto& [pname, def] : pending) scope.set(pname, eval(*def, scope));
}

Value Interpreter::eval_macro(const Node& n, Env& env) {
  const Node* node = &n;
  env.set(n.str, Value::function(n.str, [this, node](CallArgs& args, Env& scope) -> Value {
    DepthGuard g(macro_depth_, limits_.max_macro_depth, node->pos, "macro call depth");
    Env macro_scope(&scope);
    bind_macro_args("'" + node->str + "'", node->list, node->list2, args, macro_scope, node->pos);
    return Value::string(eval_block(node->list2, macro_scope));
  }));
  return Value::null();
}

Value Interpreter::eval_call_block(const Node& n, Env& env) {
  const Node* node = &n;
  Env* outer = &env;
  Value caller = Value::function("caller", [this, node, outer](CallArgs& args, Env&) -> Value {
    DepthGuard g(macro_depth_, limits_.max_macro_depth, node->pos, "macro call depth");
    Env block_env(outer);
    bind_macro_args("None", node->list, node->list2, args, block_env, node->pos);
    return Value::string(eval_block(node->list2, block_env));
  });
  const Node& call = *n.x;
  CallArgs args = eval_args(call.list, env);
  const Value fn = eval(*call.x, env);
  if (fn.kind != Kind::kFunction)
    fail(std::string("Cannot call something that is not a function: got ") + type_name(fn.kind), call.pos);
  Env new_env(&env);
  new_env.set("caller", caller);
  return fn.fn->fn(args, new_env);
}

}  // namespace onboard::jinja
