#include "runtime/grammar/tool_call_grammar.h"

#include "runtime/grammar/gbnf_parser.h"
#include "text/tool_call_parser.h"

namespace onboard::runtime::grammar {
namespace {

using json = nlohmann::ordered_json;
constexpr const char* kLead = "[ \\n]{0,4}";

}  // namespace

Expected<std::string> tool_call_gbnf(const json& tools, const ToolCallGrammarOptions& options) {
  if (!tools.is_array() || tools.empty()) return make_error(ErrorCode::kInvalidArgument, "tools: no tools declared");
  JsonSchemaConverter conv({.strict = options.strict});
  std::string functions;
  bool found = options.only_function.empty();
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string where = "tools[" + std::to_string(i) + "]";
    const json& t = tools[i];
    if (!t.is_object() || !t.contains("function") || !t["function"].is_object() || !t["function"].contains("name") ||
        !t["function"]["name"].is_string())
      return make_error(ErrorCode::kInvalidArgument, where + ": expected {\"type\": \"function\", \"function\": {\"name\": ...}}");
    const std::string name = t["function"]["name"].get<std::string>();
    if (name.empty() || name.find_first_of(" \t\r\n`{}") != std::string::npos)
      return make_error(ErrorCode::kInvalidArgument, where + ".function.name: '" + name + "' is not a valid function name");
    if (!options.only_function.empty() && name != options.only_function) continue;
    found = true;
    static const json kNoParameters = {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
    const json& params = t["function"].contains("parameters") ? t["function"]["parameters"] : kNoParameters;
    auto args = conv.add_schema(params, "t" + std::to_string(i));
    if (!args.ok()) return make_error(args.error().code, where + ".function.parameters: " + args.error().message);
    const std::string fn = conv.add_rule("fn-" + std::to_string(i), gbnf_literal(name + "\n```json\n") + " " + *args + " " +
                                                                       gbnf_literal("\n```"));
    functions += (functions.empty() ? "" : " | ") + fn;
  }
  if (!found)
    return make_error(ErrorCode::kInvalidArgument, "tool_choice: function '" + options.only_function + "' is not among the tools");
  const std::string call = gbnf_literal(std::string(kToolCallBegin) + "function" + std::string(kToolSep)) + " (" + functions +
                           ") " + gbnf_literal(kToolCallEnd);
  std::string root = std::string("root ::= ") + kLead + " " + gbnf_literal(kToolCallsBegin) + " call " +
                     (options.parallel ? "(\"\\n\" call){0,7} " : "") + gbnf_literal(kToolCallsEnd) + "\n";
  return root + "call ::= " + call + "\n" + conv.rules();
}

Expected<std::string> response_format_gbnf(const json* schema, bool strict) {
  JsonSchemaConverter conv({.strict = strict});
  static const json kAnyObject = {{"type", "object"}};
  ONBOARD_ASSIGN_OR_RETURN(std::string value, conv.add_schema(schema ? *schema : kAnyObject, "r"));
  return std::string("root ::= ") + kLead + " " + value + "\n" + conv.rules();
}

}  // namespace onboard::runtime::grammar
