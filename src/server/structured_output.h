// What a chat request asks of its output's form -- response_format (json_object, json_schema)
// and tools with tool_choice (auto, none, required, a named function) and parallel_tool_calls --
// turned into a grammar the generation enforces, or a 400 naming what cannot be enforced (an
// unsupported JSON Schema keyword, a schema that admits no value). Never a silent best effort.
#pragma once

#include <memory>
#include <string>

#include "runtime/grammar/grammar.h"
#include "server/openai_protocol.h"

namespace onboard::server {

struct OutputConstraint {
  std::shared_ptr<const runtime::grammar::Grammar> grammar;  // null: the output is free
  // tool_choice auto: free text until the model opens the tool-call block, constrained from
  // there. Otherwise the grammar holds from the start of the answer (after any reasoning).
  bool from_tool_calls_marker = false;
  // tool_choice "none": the answer may not call a tool (the call block's opening token is banned
  // and call syntax in the text stays text).
  bool tool_calls_forbidden = false;
};

// false with `err` (status 400, param naming the field) when the request cannot be enforced.
bool build_output_constraint(const CompletionRequest& cr, OutputConstraint& out, ApiError& err);

}  // namespace onboard::server
