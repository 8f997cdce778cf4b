// Jinja lexer: @huggingface/jinja's preprocessing (trailing newline, lstrip_blocks,
// trim_blocks, {% generation %} removal) and tokenizer, with source positions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::jinja {

enum class Tok : uint8_t {
  kText, kNumber, kString, kIdent, kEquals, kOpenParen, kCloseParen, kOpenStmt, kCloseStmt,
  kOpenExpr, kCloseExpr, kOpenSquare, kCloseSquare, kOpenCurly, kCloseCurly, kComma, kDot,
  kColon, kPipe, kAdditive, kMultiplicative, kPower, kComparison, kUnary, kComment
};
const char* tok_name(Tok t);

struct Token {
  Tok type;
  std::string value;
  uint32_t pos;  // byte offset in the original source
};

// Throws JinjaError on a lexical error.
std::vector<Token> tokenize(std::string_view source);

// "line L, column C" (1-based; column counts code points) for an offset into `source`.
std::string describe_position(std::string_view source, uint32_t pos);

}  // namespace onboard::jinja
