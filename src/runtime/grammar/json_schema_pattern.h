// A JSON Schema `pattern` (ECMAScript regex, "u" flag, as ajv runs it) compiled to a GBNF
// expression over the JSON-encoded string content: characters that JSON must escape are
// produced as their escapes, so the decoded string is what the regex sees. Supported: literals,
// escapes (\d \w \s \D \W \S \. \n \t \uHHHH ...), ., classes with ranges and negation, groups
// ( ) (?: ), alternation, * + ? {m} {m,} {m,n} (lazy forms as greedy), ^ at the start and $ at
// the end. An unanchored side matches any run of characters there, as the regex search does.
// Anything else (backreferences, lookaround, anchors inside) is an error naming the construct.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace onboard::runtime::grammar {

Expected<std::string> regex_to_gbnf(std::string_view pattern);

// GBNF for one JSON string character (unescaped or a simple escape), used by schema strings.
std::string json_char_gbnf();

}  // namespace onboard::runtime::grammar
