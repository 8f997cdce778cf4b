// Jinja parser: tokens -> syntax tree, following @huggingface/jinja's grammar and
// operator precedence. Nesting is bounded (kMaxNesting) so hostile input cannot blow the stack.
#pragma once

#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/lexer.h"

namespace onboard::jinja {

constexpr int kMaxNesting = 100;

// Throws JinjaError (with the offending token's position) on a syntax error.
std::vector<NodePtr> parse(const std::vector<Token>& tokens, uint32_t end_pos);

}  // namespace onboard::jinja
