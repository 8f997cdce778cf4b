#include "text/utf8.h"

#include <utf8proc.h>

#include <cstdlib>

namespace onboard::text {
namespace {

// Allowed range of the second byte for a given lead byte (Unicode Table 3-7).
inline bool second_ok(uint8_t lead, uint8_t b) {
  switch (lead) {
    case 0xE0: return b >= 0xA0 && b <= 0xBF;
    case 0xED: return b >= 0x80 && b <= 0x9F;
    case 0xF0: return b >= 0x90 && b <= 0xBF;
    case 0xF4: return b >= 0x80 && b <= 0x8F;
    default: return b >= 0x80 && b <= 0xBF;
  }
}

inline size_t seq_len(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // 0x80..0xC1, 0xF5..0xFF never start a sequence
}

std::string nfc_full(std::string_view s) {
  utf8proc_uint8_t* dst = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                   &dst, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return std::string(s);  // cannot happen on valid UTF-8; keep the text unchanged
  std::string out(reinterpret_cast<const char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return out;
}

// Code points that are NFC_Quick_Check=Yes and never the second character of a canonical
// composition: a string made only of these is already NFC, whatever their order. Covers the
// common zh/en/ja text (ASCII, Latin-1, CJK, kana without the combining voicing marks, Hangul
// syllables, fullwidth forms, general and CJK punctuation).
inline bool nfc_inert(uint32_t c) {
  return c < 0x300 || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x2010 && c <= 0x2027) ||
         (c >= 0x2030 && c <= 0x205E) || (c >= 0x3000 && c <= 0x3029) || (c >= 0x3030 && c <= 0x3098) ||
         (c >= 0x309B && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xFF01 && c <= 0xFFEF);
}

}  // namespace

size_t utf8_decode(std::string_view s, size_t i, uint32_t* cp) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  if (i >= n) return 0;
  const uint8_t lead = p[i];
  const size_t len = seq_len(lead);
  if (len == 0 || i + len > n) return 0;
  if (len == 1) {
    *cp = lead;
    return 1;
  }
  if (!second_ok(lead, p[i + 1])) return 0;
  for (size_t k = 2; k < len; ++k)
    if ((p[i + k] & 0xC0) != 0x80) return 0;
  uint32_t c = lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) c = (c << 6) | (p[i + k] & 0x3F);
  *cp = c;
  return len;
}

size_t utf8_maximal_subpart(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  const uint8_t lead = p[i];
  const size_t len = seq_len(lead);
  if (len <= 1) return 1;
  size_t k = 1;
  if (i + k < n && second_ok(lead, p[i + k])) {
    ++k;
    while (k < len && i + k < n && (p[i + k] & 0xC0) == 0x80) ++k;
  }
  return k;
}

bool utf8_is_valid(std::string_view s) {
  size_t i = 0;
  uint32_t cp;
  while (i < s.size()) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = utf8_decode(s, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void utf8_append(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string utf8_lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  uint32_t cp;
  while (i < s.size()) {
    const size_t len = utf8_decode(s, i, &cp);
    if (len > 0) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      i += utf8_maximal_subpart(s, i);
    }
  }
  return out;
}

size_t utf8_incomplete_tail(std::string_view s) {
  // Look back at most 3 bytes for a lead byte whose sequence runs past the end.
  const size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const size_t i = n - back;
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    const size_t len = seq_len(b);
    if (len <= back) return 0;  // complete (or not a lead at all)
    // Truncated: it is pending only if the bytes present are a valid prefix.
    return utf8_maximal_subpart(s, i) == back ? back : 0;
  }
  return 0;
}

// NFC of valid UTF-8 `s` into *out; returns false (and leaves *out alone) when `s` is
// already NFC for certain. Only the stretches around characters that are not inert go through
// utf8proc: cutting the text just before an inert character (a starter that nothing before it
// composes with) does not change its NFC, so each stretch runs from the inert character before
// a non-inert run to the inert character after it.
bool utf8_nfc_into(std::string_view s, std::string* out) {
  const size_t n = s.size();
  size_t i = 0, copied = 0, prev_start = 0;
  bool changed = false;
  uint32_t cp = 0;
  while (i < n) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      prev_start = i++;
      continue;
    }
    size_t len = utf8_decode(s, i, &cp);
    if (len == 0) len = 1, cp = 0xFFFD;  // not reached for valid input
    if (nfc_inert(cp)) {
      prev_start = i;
      i += len;
      continue;
    }
    const size_t begin = (i > copied && prev_start >= copied) ? prev_start : i;
    size_t j = i + len;
    while (j < n) {
      size_t l = 1;
      if (static_cast<uint8_t>(s[j]) >= 0x80) {
        l = utf8_decode(s, j, &cp);
        if (l == 0) l = 1, cp = 0xFFFD;
      } else {
        cp = static_cast<uint8_t>(s[j]);
      }
      if (nfc_inert(cp)) break;
      j += l;
    }
    if (!changed) {
      out->clear();
      out->reserve(n + 16);
      changed = true;
    }
    out->append(s.data() + copied, begin - copied);
    out->append(nfc_full(s.substr(begin, j - begin)));
    copied = i = j;
    prev_start = j;
  }
  if (changed) out->append(s.data() + copied, n - copied);
  return changed;
}

std::string utf8_nfc(std::string_view s) {
  std::string out;
  if (!utf8_nfc_into(s, &out)) out.assign(s);
  return out;
}

}  // namespace onboard::text
