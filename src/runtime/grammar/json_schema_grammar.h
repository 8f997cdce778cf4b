// JSON Schema -> GBNF, for output that validates by construction. Supported: type (incl.
// unions), properties, required, additionalProperties (false, true, or a schema), enum, const,
// anyOf, oneOf (branches that cannot overlap), allOf of objects, $ref into #/$defs or
// #/definitions or # (recursion allowed), items, prefixItems, minItems/maxItems,
// minLength/maxLength, minimum/maximum/exclusiveMinimum/exclusiveMaximum on integers (exact
// digit-range grammars), pattern (a regex subset), format date/time/date-time/uuid.
// Annotations (title, description, default, examples, $schema, $id, $comment, ...) are ignored.
//
// The grammar admits a subset of the schema's instances, never more: objects carry only the
// declared properties, in declared order (extra ones where additionalProperties is a schema
// or the object declares none); numbers have at most 16 integer and 16 fraction digits;
// whitespace is at most one space; strings use only the \" \\ \/ \b \f \n \r \t escapes.
//
// Any other keyword is refused with an error naming it and where it is, unless strict is false:
// then it is not enforced and listed in `not_enforced`. Schemas admitting no value (minimum >
// maximum, empty enum, minItems > maxItems, ...) are refused.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace onboard::runtime::grammar {

struct JsonSchemaOptions {
  bool strict = true;
};

class JsonSchemaConverter {
 public:
  explicit JsonSchemaConverter(JsonSchemaOptions options = {});

  // Adds the rules for `schema` (its own root for $ref "#"); returns the name of the rule
  // matching one instance. `prefix` keeps the rule names of several schemas apart.
  Expected<std::string> add_schema(const nlohmann::ordered_json& schema, const std::string& prefix);
  // Adds a rule; `body` is GBNF. Returns `name`.
  std::string add_rule(const std::string& name, const std::string& body);
  // Every rule added, as GBNF text (without a root: the caller adds `root ::= ...`).
  std::string rules() const;
  const std::vector<std::string>& not_enforced() const { return not_enforced_; }

 private:
  struct Impl;
  JsonSchemaOptions options_;
  std::vector<std::pair<std::string, std::string>> rules_;
  std::vector<std::string> not_enforced_;
  int next_id_ = 0;
};

// One schema as a whole grammar: root ::= the instance (no surrounding whitespace).
Expected<std::string> json_schema_to_gbnf(const nlohmann::ordered_json& schema, JsonSchemaOptions options = {},
                                          std::vector<std::string>* not_enforced = nullptr);

}  // namespace onboard::runtime::grammar
