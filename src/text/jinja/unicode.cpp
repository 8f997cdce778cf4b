#include "text/jinja/unicode.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utf8proc.h>

#include "text/utf8.h"

namespace onboard::jinja {

char32_t utf8_decode(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { ++i; return b0; }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; }
  else { ++i; return 0xFFFD; }
  if (i + len > s.size()) { ++i; return 0xFFFD; }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  text::utf8_append(out, static_cast<uint32_t>(cp));
}

std::vector<char32_t> utf8_to_codepoints(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(utf8_decode(s, i));
  return out;
}

std::string codepoints_to_utf8(const std::vector<char32_t>& cps, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < cps.size(); ++i) utf8_append(out, cps[i]);
  return out;
}

bool js_is_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

int64_t utf16_length(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size();) n += utf8_decode(s, i) >= 0x10000 ? 2 : 1;
  return n;
}

std::string js_trim(std::string_view s, bool left, bool right) {
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e) {
      size_t j = b;
      if (!js_is_space(utf8_decode(s, j))) break;
      b = j;
    }
  }
  if (right) {
    while (e > b) {
      size_t st = e - 1;
      while (st > b && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
      size_t j = st;
      if (!js_is_space(utf8_decode(s, j)) || j != e) break;
      e = st;
    }
  }
  return std::string(s.substr(b, e - b));
}

static std::string map_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t c = utf8_decode(s, i);
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') c -= 32;
      if (!upper && c >= 'A' && c <= 'Z') c += 32;
      out += static_cast<char>(c);
      continue;
    }
    if (upper && c == 0xDF) { out += "SS"; continue; }  // JS full mapping of sharp s
    const auto m = upper ? utf8proc_toupper(static_cast<utf8proc_int32_t>(c))
                         : utf8proc_tolower(static_cast<utf8proc_int32_t>(c));
    utf8_append(out, static_cast<char32_t>(m));
  }
  return out;
}
std::string js_upper(std::string_view s) { return map_case(s, true); }
std::string js_lower(std::string_view s) { return map_case(s, false); }

std::string js_number_to_string(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  // Shortest round-trip digits, then JS's layout rules (ECMA-262 Number::toString).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  bool neg = false;
  size_t p = 0;
  if (sci[0] == '-') { neg = true; p = 1; }
  const size_t epos = sci.find('e');
  std::string digits;
  for (size_t i = p; i < epos; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exp10 = std::stoi(sci.substr(epos + 1));
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  std::string out = neg ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(-n, '0') + digits;
  } else {
    const int e = n - 1;
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += e >= 0 ? "e+" : "e-";
    out += std::to_string(e >= 0 ? e : -e);
  }
  return out;
}

std::string js_json_quote(std::string_view s, bool ensure_ascii) {
  std::string out = "\"";
  char tmp[16];
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (b < 0x20 || (ensure_ascii && b == 0x7F)) {
            std::snprintf(tmp, sizeof tmp, "\\u%04x", b);
            out += tmp;
          } else {
            out += static_cast<char>(b);
          }
      }
      continue;
    }
    const size_t start = i;
    const char32_t cp = utf8_decode(s, i);
    if (!ensure_ascii) {
      if (cp == 0xFFFD && i - start == 1) out += "\xEF\xBF\xBD";
      else out.append(s.substr(start, i - start));
      continue;
    }
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      std::snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)),
                    static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
    } else {
      std::snprintf(tmp, sizeof tmp, "\\u%04x", static_cast<unsigned>(cp));
    }
    out += tmp;
  }
  out += '"';
  return out;
}

}  // namespace onboard::jinja
