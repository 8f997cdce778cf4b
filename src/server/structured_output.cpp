#include "server/structured_output.h"

#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/matcher.h"
#include "runtime/grammar/tool_call_grammar.h"

namespace onboard::server {
namespace {

ApiError schema_error(const std::string& param, const Error& e) {
  ApiError err = bad_field(param, e.message);
  err.code = e.code == ErrorCode::kUnsupported ? "unsupported_schema" : "invalid_schema";
  return err;
}

}  // namespace

bool build_output_constraint(const CompletionRequest& cr, OutputConstraint& out, ApiError& err) {
  out = OutputConstraint{};
  std::string gbnf;
  std::string param;

  // response_format
  bool wants_json = false;
  if (!cr.response_format.is_null()) {
    const ojson& rf = cr.response_format;
    const std::string type = rf.contains("type") && rf["type"].is_string() ? rf["type"].get<std::string>() : "";
    if (type == "json_object" || type == "json_schema") {
      wants_json = true;
      const ojson* schema = nullptr;
      bool strict = true;  // only an explicit strict: false lets keywords go unenforced
      if (type == "json_schema") {
        if (!rf.contains("json_schema") || !rf["json_schema"].is_object()) {
          err = bad_field("response_format.json_schema", "'response_format.json_schema' must be an object with a 'schema'");
          return false;
        }
        const ojson& js = rf["json_schema"];
        if (!js.contains("schema") || !(js["schema"].is_object() || js["schema"].is_boolean())) {
          err = bad_field("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object");
          return false;
        }
        if (js.contains("strict") && js["strict"].is_boolean()) strict = js["strict"].get<bool>();
        schema = &js["schema"];
      }
      auto g = runtime::grammar::response_format_gbnf(schema, strict);
      if (!g.ok()) {
        err = schema_error("response_format.json_schema.schema", g.error());
        return false;
      }
      gbnf = std::move(*g);
      param = "response_format";
    } else if (type != "text") {
      err = bad_field("response_format.type", "'response_format.type' must be text, json_object or json_schema");
      return false;
    }
  }

  // tools + tool_choice
  if (!cr.tool_choice.is_null() && cr.tools.is_null()) {
    err = bad_field("tool_choice", "'tool_choice' is only allowed when 'tools' are given");
    return false;
  }
  if (!cr.tools.is_null()) {
    runtime::grammar::ToolCallGrammarOptions opt;
    opt.parallel = cr.parallel_tool_calls;
    std::string mode = "auto";
    if (cr.tool_choice.is_string()) {
      mode = cr.tool_choice.get<std::string>();
      if (mode != "auto" && mode != "none" && mode != "required") {
        err = bad_field("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
        return false;
      }
    } else if (cr.tool_choice.is_object()) {
      const ojson& tc = cr.tool_choice;
      if (!tc.contains("function") || !tc["function"].is_object() || !tc["function"].contains("name") ||
          !tc["function"]["name"].is_string()) {
        err = bad_field("tool_choice", "'tool_choice' object must be {\"type\": \"function\", \"function\": {\"name\": ...}}");
        return false;
      }
      mode = "named";
      opt.only_function = tc["function"]["name"].get<std::string>();
    }
    out.tool_calls_forbidden = mode == "none";
    if (mode != "none") {
      if (wants_json) {
        err = bad_field("response_format", "'response_format' json_object/json_schema together with tools is not supported; "
                                           "use tool_choice \"none\" or drop response_format");
        return false;
      }
      auto g = runtime::grammar::tool_call_gbnf(cr.tools, opt);
      if (!g.ok()) {
        const std::string& m = g.error().message;
        err = schema_error(m.rfind("tool_choice", 0) == 0 ? "tool_choice" : m.substr(0, m.find(':')), g.error());
        return false;
      }
      gbnf = std::move(*g);
      out.from_tool_calls_marker = mode == "auto";
    }
  }

  if (gbnf.empty()) return true;
  auto grammar = runtime::grammar::parse_gbnf(gbnf);
  if (!grammar.ok()) {
    err = ApiError{500, "internal error: the grammar built for this request does not compile: " + grammar.error().message,
                   "server_error", param, ""};
    return false;
  }
  out.grammar = std::make_shared<const runtime::grammar::Grammar>(std::move(*grammar));
  if (runtime::grammar::Matcher(out.grammar).exhausted()) {
    err = ApiError{400, "the grammar built from this request is too ambiguous to enforce (its start expands past " +
                            std::to_string(runtime::grammar::kExpandBudget) + " parse steps); simplify nested anyOf/repetition",
                   "invalid_request_error", param, ""};
    out.grammar.reset();
    return false;
  }
  return true;
}

}  // namespace onboard::server
