// llama.cpp's GBNF grammar format, parsed and compiled into a Grammar:
//   name ::= alternative | alternative      (a rule; it ends at a newline outside parentheses)
//   "literal" (escapes \n \r \t \\ \" \[ \] \xHH \uHHHH \UHHHHHHHH), [a-z0-9_] [^"\\] (classes,
//   ranges, negation), . (any character), ( groups ), postfix * + ? {m} {m,} {m,n}, # comments.
// The start rule is `root`. Errors name line:column: syntax, undefined rules, rules defined
// twice, and left recursion (which a top-down matcher cannot run).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "runtime/grammar/grammar.h"

namespace onboard::runtime::grammar {

Expected<Grammar> parse_gbnf(std::string_view text);

// A GBNF string literal matching exactly `bytes` (for grammars written by code).
std::string gbnf_literal(std::string_view bytes);

}  // namespace onboard::runtime::grammar
