// UTF-8 helpers with JavaScript string semantics, so the Jinja interpreter matches
// @huggingface/jinja (which runs on UTF-16 JS strings) byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::jinja {

// Decodes one code point at s[i]; advances i. Invalid bytes decode as U+FFFD (one byte).
char32_t utf8_decode(std::string_view s, size_t& i);
void utf8_append(std::string& out, char32_t cp);
std::vector<char32_t> utf8_to_codepoints(std::string_view s);
std::string codepoints_to_utf8(const std::vector<char32_t>& cps, size_t begin, size_t end);

// JS `\s` (WhiteSpace + LineTerminator).
bool js_is_space(char32_t cp);
// Length in UTF-16 code units (JS String.prototype.length).
int64_t utf16_length(std::string_view s);

std::string js_trim(std::string_view s, bool left, bool right);
std::string js_upper(std::string_view s);
std::string js_lower(std::string_view s);

// Number -> string exactly as JavaScript's Number.prototype.toString() / JSON.stringify.
std::string js_number_to_string(double v);
// JSON.stringify(string).
std::string js_json_quote(std::string_view s, bool ensure_ascii);

}  // namespace onboard::jinja
