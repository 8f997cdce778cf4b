#include "cockpit/spoken_number.h"

#include <array>
#include <cctype>
#include <cstdlib>
#include <string>

namespace onboard::cockpit {
namespace {

struct Word { std::string_view text; int value; };

// UTF-8 Chinese digits (each 3 bytes).
constexpr std::array<Word, 12> kZhDigits{{{"零", 0}, {"一", 1}, {"二", 2}, {"两", 2}, {"三", 3}, {"四", 4},
                                          {"五", 5}, {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}, {"〇", 0}}};
constexpr std::array<Word, 28> kEnWords{{
    {"zero", 0}, {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6},
    {"seven", 7}, {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12},
    {"thirteen", 13}, {"fourteen", 14}, {"fifteen", 15}, {"sixteen", 16}, {"seventeen", 17},
    {"eighteen", 18}, {"nineteen", 19}, {"twenty", 20}, {"thirty", 30}, {"forty", 40},
    {"fifty", 50}, {"sixty", 60}, {"seventy", 70}, {"eighty", 80}, {"ninety", 90}}};

bool starts(std::string_view text, size_t pos, std::string_view w) { return text.substr(pos, w.size()) == w; }

std::optional<int> zh_digit_at(std::string_view text, size_t pos) {
  for (const Word& w : kZhDigits)
    if (starts(text, pos, w.text)) return w.value;
  return std::nullopt;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// An English number word that is a whole word at pos ("one" but not "on" nor "oneself").
std::optional<Word> en_word_at(std::string_view text, size_t pos) {
  if (pos > 0 && is_word_char(text[pos - 1])) return std::nullopt;
  std::optional<Word> best;
  for (const Word& w : kEnWords) {
    if (!starts(text, pos, w.text)) continue;
    size_t e = pos + w.text.size();
    if (e < text.size() && is_word_char(text[e])) continue;
    if (!best || w.text.size() > best->text.size()) best = w;
  }
  return best;
}

// Chinese integer below 1000 at pos: 二十二, 十五, 一百, 三百五十.
std::optional<SpokenNumber> zh_integer_at(std::string_view text, size_t pos) {
  size_t p = pos;
  int total = 0, digit = -1;
  bool any = false;
  while (p < text.size()) {
    if (auto d = zh_digit_at(text, p)) { digit = *d; p += 3; any = true; continue; }
    if (starts(text, p, "十")) { total += (digit < 0 ? 1 : digit) * 10; digit = -1; p += 3; any = true; continue; }
    if (starts(text, p, "百") && digit >= 0) { total += digit * 100; digit = -1; p += 3; continue; }
    break;
  }
  if (!any) return std::nullopt;
  if (digit >= 0) total += digit;
  return SpokenNumber{static_cast<double>(total), pos, p, false};
}

std::optional<SpokenNumber> zh_number_at(std::string_view text, size_t pos) {
  bool percent = false;
  size_t p = pos;
  if (starts(text, p, "百分之")) { percent = true; p += 9; }
  auto n = zh_integer_at(text, p);
  if (!n) return std::nullopt;
  n->begin = pos;
  // 二十二点五: a decimal only when a digit follows; "一点" alone means "a bit".
  if (starts(text, n->end, "点")) {
    if (auto d = zh_digit_at(text, n->end + 3)) {
      n->value += *d / 10.0;
      n->end += 6;
    } else if (n->value == 1 && n->end - pos == 3) {
      return std::nullopt;
    }
  }
  if (n->value == 1 && n->end - pos == 3 && (starts(text, n->end, "下") || starts(text, n->end, "些")))
    return std::nullopt;  // 一下 / 一些
  n->percent = percent;
  return n;
}

std::optional<SpokenNumber> digits_at(std::string_view text, size_t pos) {
  if (pos > 0 && std::isdigit(static_cast<unsigned char>(text[pos - 1]))) return std::nullopt;
  size_t p = pos;
  while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) ++p;
  if (p == pos) return std::nullopt;
  if (p + 1 < text.size() && text[p] == '.' && std::isdigit(static_cast<unsigned char>(text[p + 1]))) {
    ++p;
    while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) ++p;
  }
  std::string s(text.substr(pos, p - pos));
  return SpokenNumber{std::strtod(s.c_str(), nullptr), pos, p, false};
}

std::optional<SpokenNumber> en_number_at(std::string_view text, size_t pos) {
  auto w = en_word_at(text, pos);
  if (!w) return std::nullopt;
  SpokenNumber n{static_cast<double>(w->value), pos, pos + w->text.size(), false};
  // "twenty-two" / "twenty two"
  if (w->value >= 20 && w->value % 10 == 0 && n.end < text.size() && (text[n.end] == '-' || text[n.end] == ' ')) {
    if (auto u = en_word_at(text, n.end + 1); u && u->value < 10 && u->value > 0) {
      n.value += u->value;
      n.end += 1 + u->text.size();
    }
  }
  if (starts(text, n.end, " point ")) {
    if (auto f = en_word_at(text, n.end + 7); f && f->value < 10) {
      n.value += f->value / 10.0;
      n.end += 7 + f->text.size();
    }
  }
  return n;
}

}  // namespace

std::optional<SpokenNumber> spoken_number_at(std::string_view text, size_t pos) {
  std::optional<SpokenNumber> n = digits_at(text, pos);
  if (!n) n = zh_number_at(text, pos);
  if (!n) n = en_number_at(text, pos);
  if (!n) return std::nullopt;
  // Trailing percent markers.
  size_t e = n->end;
  while (e < text.size() && text[e] == ' ') ++e;
  for (std::string_view mark : {std::string_view("%"), std::string_view("％"), std::string_view("percent")}) {
    if (starts(text, e, mark)) { n->percent = true; n->end = e + mark.size(); break; }
  }
  return n;
}

}  // namespace onboard::cockpit
