#include "runtime/grammar/grammar_source.h"

#include <nlohmann/json.hpp>

#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/json_schema_grammar.h"

namespace onboard::runtime::grammar {

Expected<std::shared_ptr<const Grammar>> grammar_from_gbnf(std::string_view gbnf) {
  ONBOARD_ASSIGN_OR_RETURN(Grammar g, parse_gbnf(gbnf));
  return std::make_shared<const Grammar>(std::move(g));
}

Expected<std::shared_ptr<const Grammar>> grammar_from_json_schema(std::string_view schema_json) {
  const auto schema = nlohmann::ordered_json::parse(schema_json, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded()) return make_error(ErrorCode::kInvalidArgument, "json_schema: not valid JSON");
  ONBOARD_ASSIGN_OR_RETURN(std::string gbnf, json_schema_to_gbnf(schema));
  return grammar_from_gbnf(gbnf);
}

}  // namespace onboard::runtime::grammar
