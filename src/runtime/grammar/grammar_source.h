// A grammar from the text users hand in: GBNF, or a JSON Schema (strict: any keyword that is not
// enforced is an error naming it). For the CLI (--grammar / --json-schema) and the C API.
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "runtime/grammar/grammar.h"

namespace onboard::runtime::grammar {

Expected<std::shared_ptr<const Grammar>> grammar_from_gbnf(std::string_view gbnf);
Expected<std::shared_ptr<const Grammar>> grammar_from_json_schema(std::string_view schema_json);

}  // namespace onboard::runtime::grammar
