// Fuzz target: arbitrary GBNF text parsed; when it compiles, the second half of the input is
// fed to the matcher byte by byte. Parsing and matching must never crash or hang (bad grammars
// end in an Error naming line:column; left recursion is refused before it could loop).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // "grammar\x00input": the input is what follows the first NUL, if any.
  const size_t nul = all.find('\0');
  const std::string_view grammar_text = all.substr(0, nul);
  const std::string_view input = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1, 256);
  auto g = onboard::runtime::grammar::parse_gbnf(grammar_text);
  if (!g.ok()) return 0;
  onboard::runtime::grammar::Matcher m(std::make_shared<const onboard::runtime::grammar::Grammar>(std::move(*g)));
  for (char c : input)
    if (!m.accept_bytes(std::string_view(&c, 1))) break;
  (void)m.accepting();
  return 0;
}
