// GPT-2 byte <-> code point map used by byte-level BPE (reference §8.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onboard::text {

// The code point that stands for byte b in token strings.
uint32_t byte_to_codepoint(uint8_t b);
// The byte a code point stands for, or -1 when cp is not in the map.
int codepoint_to_byte(uint32_t cp);

// Byte-level encoding of raw bytes (each byte becomes its code point, UTF-8 encoded).
std::string byte_level_encode(std::string_view bytes);

// Decodes a token string to bytes the way Hugging Face's ByteLevel decoder does: when every
// code point of the token is in the map, the bytes they stand for; otherwise (added tokens
// such as "<｜User｜>", or a token that is not valid UTF-8) the token's own bytes unchanged.
std::string byte_level_decode_token(std::string_view token);

}  // namespace onboard::text
