#include "runtime/grammar/json_schema_grammar.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/json_schema_integer_range.h"
#include "runtime/grammar/json_schema_number_range.h"
#include "runtime/grammar/json_schema_pattern.h"

namespace onboard::runtime::grammar {
namespace {

using json = nlohmann::ordered_json;

constexpr double kMaxExactInteger = 9999999999999999.0;

const std::set<std::string> kAnnotations = {"title", "description", "default", "examples", "$schema", "$id",
                                            "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions"};
const std::set<std::string> kEnforced = {"type", "properties", "required", "additionalProperties", "enum", "const",
                                         "anyOf", "oneOf", "allOf", "$ref", "items", "prefixItems", "minItems",
                                         "maxItems", "minLength", "maxLength", "minimum", "maximum",
                                         "exclusiveMinimum", "exclusiveMaximum", "pattern", "format"};
const std::set<std::string> kTypes = {"object", "array", "string", "integer", "number", "boolean", "null"};

std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  if (out.size() > 40) out.resize(40);
  return out;
}

std::string json_type_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number_float()) return std::floor(v.get<double>()) == v.get<double>() ? "integer" : "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool type_allows(const std::set<std::string>& types, const json& v) {
  const std::string t = json_type_of(v);
  return types.count(t) || (t == "integer" && types.count("number"));
}

}  // namespace

struct JsonSchemaConverter::Impl {
  JsonSchemaConverter& c;
  const json& root;
  std::string prefix;
  std::map<std::string, std::string> ref_rules;  // "$ref" value -> its rule

  Error refuse(const std::string& path, const std::string& msg) const {
    return make_error(ErrorCode::kUnsupported, "json_schema: " + msg + " at " + (path.empty() ? "#" : path));
  }
  Error impossible(const std::string& path, const std::string& msg) const {
    return make_error(ErrorCode::kInvalidArgument, "json_schema: schema admits no value: " + msg + " at " + (path.empty() ? "#" : path));
  }

  std::string name(const std::string& hint) { return prefix + "-" + sanitize(hint) + "-" + std::to_string(c.next_id_++); }

  std::string common(const std::string& which) {
    const std::string n = "json-" + which;
    for (const auto& [k, _] : c.rules_)
      if (k == n) return n;
    if (which == "ws") return c.add_rule(n, "\" \"?");
    if (which == "char") return c.add_rule(n, json_char_gbnf());
    if (which == "string") return c.add_rule(n, "\"\\\"\" " + common("char") + "* \"\\\"\"");
    if (which == "int") return c.add_rule(n, "\"-\"? (\"0\" | [1-9] [0-9]{0,15})");
    if (which == "number")
      return c.add_rule(n, common("int") + " (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?");
    if (which == "value") {
      c.add_rule(n, "");  // reserve the name: the rules below refer back to it
      const std::string ws = common("ws");
      const std::string obj = c.add_rule("json-object", "\"{\" " + ws + " (" + common("string") + " \":\" " + ws + " " + n +
                                                            " (\",\" " + ws + " " + common("string") + " \":\" " + ws + " " + n + ")*)? " + ws + " \"}\"");
      const std::string arr = c.add_rule("json-array", "\"[\" " + ws + " (" + n + " (\",\" " + ws + " " + n + ")*)? " + ws + " \"]\"");
      for (auto& [k, body] : c.rules_)
        if (k == n)
          body = obj + " | " + arr + " | " + common("string") + " | " + common("number") +
                 " | \"true\" | \"false\" | \"null\"";
      return n;
    }
    return n;
  }

  // Keywords the schema object uses that are not enforced: refused, or noted when not strict.
  Status check_keywords(const json& s, const std::string& path) {
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (kAnnotations.count(it.key()) || kEnforced.count(it.key())) continue;
      if (c.options_.strict) return refuse(path, "unsupported keyword '" + it.key() + "'");
      c.not_enforced_.push_back(it.key() + " at " + (path.empty() ? "#" : path));
    }
    return {};
  }

  Expected<const json*> resolve(const std::string& ref, const std::string& path) const {
    if (ref == "#") return &root;
    std::string p;
    if (ref.rfind("#/$defs/", 0) == 0) p = "/$defs/" + ref.substr(8);
    else if (ref.rfind("#/definitions/", 0) == 0) p = "/definitions/" + ref.substr(14);
    else return refuse(path, "unsupported '$ref' \"" + ref + "\" (only #, #/$defs/NAME and #/definitions/NAME)");
    try {
      const json& target = root.at(json::json_pointer(p));
      return &target;
    } catch (const std::exception&) {
      return make_error(ErrorCode::kInvalidArgument, "json_schema: '$ref' \"" + ref + "\" names nothing at " + path);
    }
  }

  Expected<std::string> visit(const json& s, const std::string& path) {
    if (s.is_boolean()) {
      if (s.get<bool>()) return common("value");
      return impossible(path, "the schema false");
    }
    if (!s.is_object()) return make_error(ErrorCode::kInvalidArgument, "json_schema: a schema must be an object or a boolean at " + path);
    ONBOARD_TRY(check_keywords(s, path));

    auto only = [&](const char* key) -> Status {
      for (auto it = s.begin(); it != s.end(); ++it)
        if (it.key() != key && kEnforced.count(it.key()))
          return refuse(path, "'" + it.key() + "' beside '" + key + "' is not supported");
      return {};
    };
    if (s.contains("$ref")) {
      ONBOARD_TRY(only("$ref"));
      if (!s["$ref"].is_string()) return make_error(ErrorCode::kInvalidArgument, "json_schema: '$ref' must be a string at " + path);
      const std::string ref = s["$ref"].get<std::string>();
      if (auto it = ref_rules.find(ref); it != ref_rules.end()) return it->second;
      ONBOARD_ASSIGN_OR_RETURN(const json* target, resolve(ref, path));
      const std::string rule = name("ref-" + ref.substr(ref.rfind('/') + 1));
      ref_rules[ref] = rule;
      c.add_rule(rule, "");
      ONBOARD_ASSIGN_OR_RETURN(std::string body, visit(*target, ref.substr(1)));
      for (auto& [k, b] : c.rules_)
        if (k == rule) b = body;
      return rule;
    }
    if (s.contains("anyOf") || s.contains("oneOf")) {
      const char* key = s.contains("anyOf") ? "anyOf" : "oneOf";
      ONBOARD_TRY(only(key));
      const json& branches = s[key];
      if (!branches.is_array() || branches.empty())
        return make_error(ErrorCode::kInvalidArgument, std::string("json_schema: '") + key + "' must be a non-empty array at " + path);
      if (std::string(key) == "oneOf") ONBOARD_TRY(check_disjoint(branches, path + "/oneOf"));
      std::string out;
      for (size_t i = 0; i < branches.size(); ++i) {
        ONBOARD_ASSIGN_OR_RETURN(std::string b, visit(branches[i], path + "/" + key + "/" + std::to_string(i)));
        out += (i ? " | " : "") + b;
      }
      return c.add_rule(name(key), out);
    }
    if (s.contains("allOf")) {
      ONBOARD_ASSIGN_OR_RETURN(json merged, merge_all_of(s, path));
      return visit(merged, path);
    }

    std::set<std::string> types;
    if (s.contains("type")) {
      const json& t = s["type"];
      if (t.is_string()) {
        types.insert(t.get<std::string>());
      } else if (t.is_array()) {
        for (const auto& x : t)
          if (x.is_string()) types.insert(x.get<std::string>());
          else return make_error(ErrorCode::kInvalidArgument, "json_schema: 'type' entries must be strings at " + path);
        if (types.empty()) return impossible(path, "'type' is an empty array");
      } else {
        return make_error(ErrorCode::kInvalidArgument, "json_schema: 'type' must be a string or an array at " + path);
      }
      for (const auto& t2 : types)
        if (!kTypes.count(t2)) return make_error(ErrorCode::kInvalidArgument, "json_schema: unknown type '" + t2 + "' at " + path);
    }
    if (s.contains("const") || s.contains("enum")) {
      std::vector<json> values;
      if (s.contains("const")) {
        values.push_back(s["const"]);
      } else {
        if (!s["enum"].is_array()) return make_error(ErrorCode::kInvalidArgument, "json_schema: 'enum' must be an array at " + path);
        for (const auto& v : s["enum"]) values.push_back(v);
        if (values.empty()) return impossible(path, "'enum' is empty");
      }
      std::string out;
      for (const auto& v : values) {
        if (!types.empty() && !type_allows(types, v)) continue;
        if (s.contains("const") && s.contains("enum")) {
          bool in = false;
          for (const auto& e : s["enum"]) in = in || e == v;
          if (!in) continue;
        }
        ONBOARD_TRY(check_value_constraints(s, v, path));
        out += (out.empty() ? "" : " | ") + gbnf_literal(v.dump());
      }
      if (out.empty()) return impossible(path, "no 'enum'/'const' value has the schema's type");
      return c.add_rule(name("enum"), out);
    }
    if (types.empty()) {
      // Infer from the keywords used; none: any value.
      if (s.contains("properties") || s.contains("required") || s.contains("additionalProperties")) types.insert("object");
      if (s.contains("items") || s.contains("prefixItems") || s.contains("minItems") || s.contains("maxItems")) types.insert("array");
      if (s.contains("minLength") || s.contains("maxLength") || s.contains("pattern") || s.contains("format")) types.insert("string");
      if (s.contains("minimum") || s.contains("maximum") || s.contains("exclusiveMinimum") || s.contains("exclusiveMaximum"))
        types.insert("number");
      if (types.empty()) return common("value");
    }
    std::string out;
    for (const auto& t : types) {
      std::string b;
      if (t == "null") b = "\"null\"";
      else if (t == "boolean") b = "(\"true\" | \"false\")";
      else if (t == "string") { ONBOARD_ASSIGN_OR_RETURN(std::string x, string_rule(s, path)); b = x; }
      else if (t == "integer") { ONBOARD_ASSIGN_OR_RETURN(std::string x, integer_rule(s, path)); b = x; }
      else if (t == "number") {
        if (types.count("integer")) continue;  // the integer branch is built; numbers with fractions next
        ONBOARD_ASSIGN_OR_RETURN(std::string x, number_rule(s, path)); b = x;
      }
      else if (t == "array") { ONBOARD_ASSIGN_OR_RETURN(std::string x, array_rule(s, path)); b = x; }
      else if (t == "object") { ONBOARD_ASSIGN_OR_RETURN(std::string x, object_rule(s, path)); b = x; }
      out += (out.empty() ? "" : " | ") + b;
    }
    if (types.count("integer") && types.count("number")) {
      ONBOARD_ASSIGN_OR_RETURN(std::string x, number_rule(s, path));
      out += " | " + x;
    }
    return types.size() == 1 ? out : "(" + out + ")";
  }

  // An enum/const value must also meet the schema's other constraints we can check cheaply.
  Status check_value_constraints(const json& s, const json& v, const std::string& path) {
    if (v.is_number()) {
      const double x = v.get<double>();
      if ((s.contains("minimum") && s["minimum"].is_number() && x < s["minimum"].get<double>()) ||
          (s.contains("maximum") && s["maximum"].is_number() && x > s["maximum"].get<double>()))
        return refuse(path, "'enum'/'const' beside 'minimum'/'maximum' is not supported");
    }
    for (const char* k : {"minLength", "maxLength", "pattern", "format", "items", "properties", "exclusiveMinimum",
                          "exclusiveMaximum", "minItems", "maxItems", "required", "additionalProperties", "prefixItems"})
      if (s.contains(k)) return refuse(path, std::string("'") + k + "' beside 'enum'/'const' is not supported");
    return {};
  }

  Expected<std::optional<int64_t>> bound(const json& s, const char* key, bool lower, const std::string& path) {
    if (!s.contains(key)) return std::optional<int64_t>();
    const json& v = s[key];
    if (!v.is_number()) return make_error(ErrorCode::kInvalidArgument, std::string("json_schema: '") + key + "' must be a number at " + path);
    const double d = v.get<double>();
    if (std::fabs(d) > kMaxExactInteger) return refuse(path, std::string("'") + key + "' beyond 16 digits is not supported");
    const bool exclusive = std::string(key).rfind("exclusive", 0) == 0;
    double r = lower ? std::ceil(d) : std::floor(d);
    if (exclusive && r == d) r += lower ? 1 : -1;
    return std::optional<int64_t>(static_cast<int64_t>(r));
  }

  Expected<std::string> integer_rule(const json& s, const std::string& path) {
    ONBOARD_ASSIGN_OR_RETURN(auto lo1, bound(s, "minimum", true, path));
    ONBOARD_ASSIGN_OR_RETURN(auto lo2, bound(s, "exclusiveMinimum", true, path));
    ONBOARD_ASSIGN_OR_RETURN(auto hi1, bound(s, "maximum", false, path));
    ONBOARD_ASSIGN_OR_RETURN(auto hi2, bound(s, "exclusiveMaximum", false, path));
    std::optional<int64_t> lo = lo1, hi = hi1;
    if (lo2 && (!lo || *lo2 > *lo)) lo = lo2;
    if (hi2 && (!hi || *hi2 < *hi)) hi = hi2;
    if (lo && hi && *lo > *hi) return impossible(path, "no integer lies between 'minimum' and 'maximum'");
    if (!lo && !hi) return common("int");
    return c.add_rule(name("int"), integer_range_gbnf(lo, hi));
  }

  Expected<std::optional<NumberBound>> number_bound(const json& s, const char* key, const std::string& path) {
    if (!s.contains(key)) return std::optional<NumberBound>();
    if (!s[key].is_number()) return make_error(ErrorCode::kInvalidArgument, std::string("json_schema: '") + key + "' must be a number at " + path);
    return std::optional<NumberBound>(NumberBound{s[key].get<double>(), std::string(key).rfind("exclusive", 0) == 0});
  }

  Expected<std::string> number_rule(const json& s, const std::string& path) {
    ONBOARD_ASSIGN_OR_RETURN(auto lo1, number_bound(s, "minimum", path));
    ONBOARD_ASSIGN_OR_RETURN(auto lo2, number_bound(s, "exclusiveMinimum", path));
    ONBOARD_ASSIGN_OR_RETURN(auto hi1, number_bound(s, "maximum", path));
    ONBOARD_ASSIGN_OR_RETURN(auto hi2, number_bound(s, "exclusiveMaximum", path));
    // The tighter of each pair (an exclusive bound wins a tie).
    std::optional<NumberBound> lo = lo1, hi = hi1;
    if (lo2 && (!lo || lo2->value >= lo->value)) lo = lo2;
    if (hi2 && (!hi || hi2->value <= hi->value)) hi = hi2;
    if (!lo && !hi) return common("number");
    auto g = number_range_gbnf(lo, hi);
    if (!g.ok()) {
      if (g.error().code == ErrorCode::kInvalidArgument) return impossible(path, "no number lies between 'minimum' and 'maximum'");
      return refuse(path, g.error().message);
    }
    return c.add_rule(name("number"), *g);
  }

  Expected<std::string> string_rule(const json& s, const std::string& path) {
    auto count = [&](const char* k, std::optional<uint64_t>& out) -> Status {
      if (!s.contains(k)) return {};
      if (!s[k].is_number_unsigned() && !(s[k].is_number_integer() && s[k].get<int64_t>() >= 0))
        return make_error(ErrorCode::kInvalidArgument, std::string("json_schema: '") + k + "' must be a non-negative integer at " + path);
      out = s[k].get<uint64_t>();
      if (*out > 10000) return refuse(path, std::string("'") + k + "' above 10000 is not supported");
      return {};
    };
    std::optional<uint64_t> min, max;
    ONBOARD_TRY(count("minLength", min));
    ONBOARD_TRY(count("maxLength", max));
    if (min && max && *min > *max) return impossible(path, "'minLength' > 'maxLength'");
    const bool has_pattern = s.contains("pattern"), has_format = s.contains("format");
    if ((has_pattern || has_format) && (min || max))
      return refuse(path, std::string("'") + (min ? "minLength" : "maxLength") + "' beside '" + (has_pattern ? "pattern" : "format") +
                              "' is not supported");
    if (has_pattern && has_format) return refuse(path, "'pattern' beside 'format' is not supported");
    if (has_pattern) {
      if (!s["pattern"].is_string()) return make_error(ErrorCode::kInvalidArgument, "json_schema: 'pattern' must be a string at " + path);
      auto g = regex_to_gbnf(s["pattern"].get<std::string>());
      if (!g.ok()) return refuse(path, g.error().message);
      return c.add_rule(name("pattern"), "\"\\\"\" " + *g + " \"\\\"\"");
    }
    if (has_format) {
      const std::string f = s["format"].is_string() ? s["format"].get<std::string>() : "";
      const std::string date = R"([0-9]{4} "-" (("01" | "03" | "05" | "07" | "08" | "10" | "12") "-" ("0" [1-9] | [12] [0-9] | "3" [01]) | ("04" | "06" | "09" | "11") "-" ("0" [1-9] | [12] [0-9] | "30") | "02-" ("0" [1-9] | "1" [0-9] | "2" [0-8])))";
      const std::string time = R"(([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ("." [0-9]{1,6})? ("Z" | [+-] ([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9]))";
      std::string body;
      if (f == "date") body = date;
      else if (f == "time") body = time;
      else if (f == "date-time") body = "(" + date + ") \"T\" (" + time + ")";
      else if (f == "uuid") body = R"([0-9a-f]{8} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{12})";
      else if (c.options_.strict) return refuse(path, "unsupported keyword 'format' \"" + f + "\"");
      else c.not_enforced_.push_back("format \"" + f + "\" at " + (path.empty() ? "#" : path));
      if (!body.empty()) return c.add_rule(name("format-" + f), "\"\\\"\" (" + body + ") \"\\\"\"");
    }
    if (!min && !max) return common("string");
    const std::string rep = "{" + std::to_string(min.value_or(0)) + "," + (max ? std::to_string(*max) : "") + "}";
    return c.add_rule(name("string"), "\"\\\"\" (" + common("char") + ")" + rep + " \"\\\"\"");
  }

  Expected<std::string> array_rule(const json& s, const std::string& path) {
    uint64_t min = 0;
    std::optional<uint64_t> max;
    for (const char* k : {"minItems", "maxItems"}) {
      if (!s.contains(k)) continue;
      if (!s[k].is_number_integer() || s[k].get<int64_t>() < 0)
        return make_error(ErrorCode::kInvalidArgument, std::string("json_schema: '") + k + "' must be a non-negative integer at " + path);
      const auto v = s[k].get<uint64_t>();
      if (v > 1000) return refuse(path, std::string("'") + k + "' above 1000 is not supported");
      if (std::string(k) == "minItems") min = v;
      else max = v;
    }
    if (max && min > *max) return impossible(path, "'minItems' > 'maxItems'");
    std::vector<std::string> prefix;
    if (s.contains("prefixItems")) {
      if (!s["prefixItems"].is_array()) return make_error(ErrorCode::kInvalidArgument, "json_schema: 'prefixItems' must be an array at " + path);
      for (size_t i = 0; i < s["prefixItems"].size(); ++i) {
        ONBOARD_ASSIGN_OR_RETURN(std::string r, visit(s["prefixItems"][i], path + "/prefixItems/" + std::to_string(i)));
        prefix.push_back(r);
      }
    }
    std::optional<std::string> item;  // nullopt: no items past the prefix
    if (!s.contains("items")) {
      if (prefix.empty()) item = common("value");
      // With prefixItems and no items, extra items are allowed but not needed: none are made.
    } else if (!(s["items"].is_boolean() && !s["items"].get<bool>())) {
      ONBOARD_ASSIGN_OR_RETURN(std::string r, visit(s["items"], path + "/items"));
      item = r;
    }
    const uint64_t np = prefix.size();
    if (!item) max = std::min<uint64_t>(max.value_or(np), np);
    if (max && min > *max) return impossible(path, "'minItems' exceeds the items the array may hold");
    const std::string ws = common("ws");
    const std::string sep = "\",\" " + ws + " ";
    // Positions past the prefix: ("," item){a,b}
    const uint64_t p_used = max ? std::min(np, *max) : np;
    std::string tail;
    if (item && (!max || *max > np)) {
      const uint64_t a = min > np ? min - np : 0;
      tail = "(" + sep + *item + "){" + std::to_string(a) + "," + (max ? std::to_string(*max - np) : "") + "}";
    }
    // Prefix positions nested: p0 ("," p1 ("," p2 ... tail)?)?, each optional once minItems is met.
    std::string body;
    if (p_used == 0) {
      if (!item) {
        body = "";
      } else {
        const std::string rest = "(" + sep + *item + "){" + std::to_string(min > 0 ? min - 1 : 0) + "," +
                                 (max ? std::to_string(*max - 1) : "") + "}";
        body = min > 0 ? *item + " " + rest : "(" + *item + " " + rest + ")?";
        if (max && *max == 0) body = "";
      }
    } else {
      std::string inner = tail;
      for (uint64_t i = p_used; i-- > 0;) {
        std::string here = (i ? sep : "") + prefix[i] + (inner.empty() ? "" : " " + inner);
        inner = i < min ? "(" + here + ")" : "(" + here + ")?";
      }
      body = inner;
    }
    return c.add_rule(name("array"), "\"[\" " + ws + " " + (body.empty() ? "" : body + " ") + ws + " \"]\"");
  }

  // Strings other than `names` (whose characters need no JSON escape), as JSON string tokens.
  std::string key_not_in(const std::vector<std::string>& names) {
    struct Node {
      std::map<char, size_t> kids;
      bool end = false;
    };
    std::vector<Node> trie(1);
    for (const auto& n : names) {
      size_t at = 0;
      for (char ch : n) {
        auto it = trie[at].kids.find(ch);
        if (it == trie[at].kids.end()) {
          trie.push_back({});
          it = trie[at].kids.emplace(ch, trie.size() - 1).first;
        }
        at = it->second;
      }
      trie[at].end = true;
    }
    const std::string any = common("char") + "*";
    std::vector<std::string> rule(trie.size());
    for (size_t i = 0; i < trie.size(); ++i) rule[i] = name("key");
    for (size_t i = 0; i < trie.size(); ++i) {
      std::string excluded;
      for (const auto& [ch, _] : trie[i].kids) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(ch));
        excluded += buf;
      }
      // A different next character (or an escape), then anything; or a known one, then on.
      std::string body = "([^\"\\\\\\x00-\\x1F" + excluded + "] | \"\\\\\" [\"\\\\/bfnrt]) " + any;
      for (const auto& [ch, kid] : trie[i].kids) body += " | " + gbnf_literal(std::string(1, ch)) + " " + rule[kid];
      if (!trie[i].end) body = "\"\" | " + body;
      c.add_rule(rule[i], body);
    }
    return "\"\\\"\" " + rule[0] + " \"\\\"\"";
  }

  Expected<std::string> object_rule(const json& s, const std::string& path) {
    const json empty = json::object();
    const json& props = s.contains("properties") ? s["properties"] : empty;
    if (!props.is_object()) return make_error(ErrorCode::kInvalidArgument, "json_schema: 'properties' must be an object at " + path);
    std::set<std::string> required;
    if (s.contains("required")) {
      if (!s["required"].is_array()) return make_error(ErrorCode::kInvalidArgument, "json_schema: 'required' must be an array at " + path);
      for (const auto& r : s["required"])
        if (r.is_string()) required.insert(r.get<std::string>());
        else return make_error(ErrorCode::kInvalidArgument, "json_schema: 'required' entries must be strings at " + path);
    }
    const json* extra = nullptr;  // schema of properties not declared; null: none are made
    bool extra_forbidden = false;
    if (s.contains("additionalProperties")) {
      const json& ap = s["additionalProperties"];
      if (ap.is_boolean()) extra_forbidden = !ap.get<bool>();
      else extra = &ap;
    }
    static const json kAny = json::object();
    if (!extra && !extra_forbidden && props.empty()) extra = &kAny;  // {"type": "object"}: any members
    std::vector<std::pair<std::string, std::string>> members;  // (kv rule, required?)
    std::vector<bool> req;
    std::vector<std::string> names;
    const std::string ws = common("ws");
    for (auto it = props.begin(); it != props.end(); ++it) {
      ONBOARD_ASSIGN_OR_RETURN(std::string v, visit(it.value(), path + "/properties/" + it.key()));
      members.push_back({gbnf_literal(json(it.key()).dump() + ":") + " " + ws + " " + v, ""});
      req.push_back(required.count(it.key()) > 0);
      names.push_back(it.key());
    }
    for (const auto& r : required) {
      if (props.contains(r)) continue;
      if (extra_forbidden) return impossible(path, "required property '" + r + "' is not allowed by 'additionalProperties': false");
      const json& sch = extra ? *extra : kAny;
      ONBOARD_ASSIGN_OR_RETURN(std::string v, visit(sch, path + "/additionalProperties"));
      members.push_back({gbnf_literal(json(r).dump() + ":") + " " + ws + " " + v, ""});
      req.push_back(true);
      names.push_back(r);
    }
    std::string extra_kv;
    if (extra) {
      for (const auto& n : names)
        for (char ch : n)
          if (static_cast<unsigned char>(ch) < 0x20 || ch == '"' || ch == '\\')
            return refuse(path, "'additionalProperties' beside a property name that JSON escapes is not supported");
      ONBOARD_ASSIGN_OR_RETURN(std::string v, visit(*extra, path + "/additionalProperties"));
      const std::string key = names.empty() ? common("string") : key_not_in(names);
      extra_kv = c.add_rule(name("extra"), key + " \":\" " + ws + " " + v);
    }
    // first[i]: members i.. with none written yet; later[i]: members i.. after one was written.
    const size_t n = members.size();
    const std::string sep = "\",\" " + ws + " ";
    std::string first_tail = extra ? "(" + extra_kv + " (" + sep + extra_kv + ")*)?" : "\"\"";
    std::string later_tail = extra ? "(" + sep + extra_kv + ")*" : "\"\"";
    std::string first = c.add_rule(name("members"), first_tail), later = c.add_rule(name("more"), later_tail);
    for (size_t i = n; i-- > 0;) {
      const std::string kv = c.add_rule(name("kv-" + names[i]), members[i].first);
      const std::string f = req[i] ? kv + " " + later : kv + " " + later + " | " + first;
      const std::string l = req[i] ? sep + kv + " " + later : sep + kv + " " + later + " | " + later;
      first = c.add_rule(name("members"), f);
      later = c.add_rule(name("more"), l);
    }
    return c.add_rule(name("object"), "\"{\" " + ws + " " + first + " " + ws + " \"}\"");
  }

  // allOf whose branches are objects (or refs to them): one object with every property.
  Expected<json> merge_all_of(const json& s, const std::string& path) {
    const json& branches = s["allOf"];
    if (!branches.is_array() || branches.empty())
      return make_error(ErrorCode::kInvalidArgument, "json_schema: 'allOf' must be a non-empty array at " + path);
    json merged = {{"type", "object"}, {"properties", json::object()}, {"required", json::array()}};
    std::vector<const json*> parts;
    for (auto it = s.begin(); it != s.end(); ++it)
      if (it.key() != "allOf" && kEnforced.count(it.key())) {
        parts.push_back(&s);
        break;
      }
    for (const auto& b : branches) {
      const json* p = &b;
      for (int hops = 0; p->is_object() && p->contains("$ref") && hops < 32; ++hops) {
        ONBOARD_ASSIGN_OR_RETURN(const json* t, resolve((*p)["$ref"].get<std::string>(), path));
        p = t;
      }
      parts.push_back(p);
    }
    bool closed = false;
    for (const json* p : parts) {
      if (!p->is_object()) return refuse(path + "/allOf", "'allOf' is supported for object schemas only");
      for (auto it = p->begin(); it != p->end(); ++it) {
        const std::string& k = it.key();
        if (k == "allOf" && p == &s) continue;
        if (kAnnotations.count(k)) continue;
        if (k == "type") {
          if (!(it->is_string() && it->get<std::string>() == "object"))
            return refuse(path + "/allOf", "'allOf' is supported for object schemas only");
        } else if (k == "properties") {
          for (auto q = it->begin(); q != it->end(); ++q) {
            if (merged["properties"].contains(q.key()) && merged["properties"][q.key()] != q.value())
              return refuse(path + "/allOf", "property '" + q.key() + "' declared differently in two 'allOf' branches");
            merged["properties"][q.key()] = q.value();
          }
        } else if (k == "required") {
          for (const auto& r : *it) merged["required"].push_back(r);
        } else if (k == "additionalProperties") {
          if (!(it->is_boolean() && !it->get<bool>()))
            return refuse(path + "/allOf", "'additionalProperties' other than false inside 'allOf'");
          closed = true;
        } else if (kEnforced.count(k)) {
          return refuse(path + "/allOf", "'" + k + "' inside 'allOf' (only object properties merge)");
        } else {
          ONBOARD_TRY(check_keywords(json{{k, *it}}, path + "/allOf"));
        }
      }
    }
    // A closed branch must declare every merged property, else the merge could not satisfy it.
    if (closed) {
      for (const json* p : parts) {
        if (!(p->contains("additionalProperties") && (*p)["additionalProperties"] == false)) continue;
        for (auto q = merged["properties"].begin(); q != merged["properties"].end(); ++q)
          if (!p->contains("properties") || !(*p)["properties"].contains(q.key())) {
            bool req = false;
            for (const auto& r : merged["required"]) req = req || r == q.key();
            if (req) return impossible(path + "/allOf", "property '" + q.key() + "' is required but a branch forbids it");
            merged["properties"].erase(q.key());
            break;
          }
      }
      merged["additionalProperties"] = false;
    }
    return merged;
  }

  // The JSON types a branch can take (integer counted as number), or empty when unknown.
  std::set<std::string> kinds(const json& b, int depth = 0) {
    if (!b.is_object() || depth > 16) return {};
    if (b.contains("$ref") && b["$ref"].is_string()) {
      auto t = resolve(b["$ref"].get<std::string>(), "");
      return t.ok() ? kinds(**t, depth + 1) : std::set<std::string>{};
    }
    std::set<std::string> out;
    auto add = [&](std::string t) { out.insert(t == "integer" ? "number" : t); };
    if (b.contains("const")) add(json_type_of(b["const"]));
    else if (b.contains("enum") && b["enum"].is_array()) for (const auto& v : b["enum"]) add(json_type_of(v));
    else if (b.contains("type") && b["type"].is_string()) add(b["type"].get<std::string>());
    else if (b.contains("type") && b["type"].is_array()) for (const auto& t : b["type"]) add(t.get<std::string>());
    else if (b.contains("properties")) add("object");
    return out;
  }

  std::vector<json> values_of(const json& b) {
    if (!b.is_object()) return {};
    if (b.contains("const")) return {b["const"]};
    if (b.contains("enum") && b["enum"].is_array()) return std::vector<json>(b["enum"].begin(), b["enum"].end());
    return {};
  }

  const json& deref(const json& b) {
    const json* p = &b;
    for (int i = 0; i < 16 && p->is_object() && p->contains("$ref") && (*p)["$ref"].is_string(); ++i) {
      auto t = resolve((*p)["$ref"].get<std::string>(), "");
      if (!t.ok()) break;
      p = *t;
    }
    return *p;
  }

  bool disjoint(const json& a0, const json& b0) {
    const json& a = deref(a0);
    const json& b = deref(b0);
    const auto ka = kinds(a), kb = kinds(b);
    if (!ka.empty() && !kb.empty()) {
      bool common_kind = false;
      for (const auto& k : ka) common_kind = common_kind || kb.count(k);
      if (!common_kind) return true;
    }
    const auto va = values_of(a), vb = values_of(b);
    if (!va.empty() && !vb.empty()) {
      for (const auto& x : va)
        for (const auto& y : vb)
          if (x == y) return false;
      return true;
    }
    // Objects told apart by a property both require with different const/enum values.
    if (a.contains("properties") && b.contains("properties") && a.contains("required") && b.contains("required")) {
      for (const auto& r : a["required"]) {
        if (!r.is_string()) continue;
        const std::string k = r.get<std::string>();
        bool in_b = false;
        for (const auto& r2 : b["required"]) in_b = in_b || r2 == r;
        if (!in_b || !a["properties"].contains(k) || !b["properties"].contains(k)) continue;
        const auto x = values_of(deref(a["properties"][k])), y = values_of(deref(b["properties"][k]));
        if (x.empty() || y.empty()) continue;
        bool overlap = false;
        for (const auto& u : x)
          for (const auto& v : y) overlap = overlap || u == v;
        if (!overlap) return true;
      }
    }
    return false;
  }

  Status check_disjoint(const json& branches, const std::string& path) {
    for (size_t i = 0; i < branches.size(); ++i)
      for (size_t j = i + 1; j < branches.size(); ++j)
        if (!disjoint(branches[i], branches[j]))
          return refuse(path, "'oneOf' branches " + std::to_string(i) + " and " + std::to_string(j) +
                                  " may both match one value (oneOf is enforced for branches of different types, "
                                  "different const/enum values, or a required const property that tells them apart)");
    return {};
  }
};

JsonSchemaConverter::JsonSchemaConverter(JsonSchemaOptions options) : options_(options) {}

std::string JsonSchemaConverter::add_rule(const std::string& name, const std::string& body) {
  rules_.emplace_back(name, body);
  return name;
}

Expected<std::string> JsonSchemaConverter::add_schema(const nlohmann::ordered_json& schema, const std::string& prefix) {
  Impl impl{*this, schema, sanitize(prefix), {}};
  return impl.visit(schema, "");
}

std::string JsonSchemaConverter::rules() const {
  std::string out;
  for (const auto& [name, body] : rules_) out += name + " ::= " + body + "\n";
  return out;
}

Expected<std::string> json_schema_to_gbnf(const nlohmann::ordered_json& schema, JsonSchemaOptions options,
                                          std::vector<std::string>* not_enforced) {
  JsonSchemaConverter c(options);
  ONBOARD_ASSIGN_OR_RETURN(std::string value, c.add_schema(schema, "s"));
  if (not_enforced) *not_enforced = c.not_enforced();
  return "root ::= " + value + "\n" + c.rules();
}

}  // namespace onboard::runtime::grammar
