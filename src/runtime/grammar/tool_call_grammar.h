// The grammar of DeepSeek's tool-call block for a request's declared tools:
//   <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\nARGS\n```<｜tool▁call▁end｜>
//   [\n<｜tool▁call▁begin｜>...<｜tool▁call▁end｜>]...<｜tool▁calls▁end｜>
// where NAME is one of the tools (or the named one) and ARGS is an instance of that tool's
// `parameters` schema (JSON Schema, as json_schema_grammar compiles it). The block may be
// preceded by up to four spaces or newlines (what follows "</think>").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "runtime/grammar/json_schema_grammar.h"

namespace onboard::runtime::grammar {

struct ToolCallGrammarOptions {
  std::string only_function;  // non-empty: the one function that may be called
  bool parallel = true;       // more than one call (at most 8)
  bool strict = true;         // JSON Schema strictness of the parameters
};

// `tools`: the OpenAI array [{type: "function", function: {name, parameters}}]. Errors name the
// tool: "tools[1].function.parameters: json_schema: unsupported keyword ...".
Expected<std::string> tool_call_gbnf(const nlohmann::ordered_json& tools, const ToolCallGrammarOptions& options);

// A JSON value of `schema` (or any JSON object for json_object mode when schema is null),
// preceded by up to four spaces or newlines.
Expected<std::string> response_format_gbnf(const nlohmann::ordered_json* schema, bool strict);

}  // namespace onboard::runtime::grammar
