// UTF-8 helpers for the tokenizer: strict decoding, validation and lossy repair.
// "Lossy" follows the Unicode "substitution of maximal subparts" practice (the one used by
// Rust's String::from_utf8_lossy and the WHATWG TextDecoder): each maximal ill-formed
// subsequence becomes one U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace onboard::text {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when the bytes there are
// ill-formed (or truncated by the end of s). On success *cp receives the code point.
size_t utf8_decode(std::string_view s, size_t i, uint32_t* cp);

// Length of the maximal subpart starting at s[i] that is a prefix of some well-formed
// sequence (at least 1). Used to decide how many bytes one U+FFFD replaces.
size_t utf8_maximal_subpart(std::string_view s, size_t i);

// True when every byte of s belongs to a well-formed sequence.
bool utf8_is_valid(std::string_view s);

// Appends the UTF-8 encoding of cp (cp must be a Unicode scalar value).
void utf8_append(std::string& out, uint32_t cp);

// Copies s, replacing each maximal ill-formed subpart by U+FFFD.
std::string utf8_lossy(std::string_view s);

// Length of the longest suffix of s that is an incomplete (truncated) but so-far valid
// sequence, i.e. bytes that could still become a character when more bytes arrive (0..3).
size_t utf8_incomplete_tail(std::string_view s);

// Unicode NFC of valid UTF-8 (utf8proc), with a fast path: text made only of characters that
// are NFC-stable and never compose with a preceding character (ASCII, Latin-1, CJK, kana,
// Hangul syllables, fullwidth forms, common punctuation) is returned unchanged, and only the
// stretches around other characters go through utf8proc.
std::string utf8_nfc(std::string_view s);
// As utf8_nfc, writing into *out; returns false (leaving *out untouched) when s is already NFC
// by the fast-path test, so the caller can keep using s.
bool utf8_nfc_into(std::string_view s, std::string* out);

}  // namespace onboard::text
