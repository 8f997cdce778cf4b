#include "server/api_keys.h"

#include <fstream>

namespace onboard::server {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walk the longer length so a key's length is the only thing time reveals.
  const size_t n = std::max(a.size(), b.size());
  volatile unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

Expected<ApiKeys> ApiKeys::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kIo, path + ": cannot open the API key file");
  std::vector<Key> keys;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const size_t e = line.find_first_of(" \t", b);
    Key k{line.substr(b, e == std::string::npos ? std::string::npos : e - b), std::nullopt};
    if (e != std::string::npos) {
      const std::string cls = line.substr(line.find_first_not_of(" \t", e));
      k.priority = parse_priority(cls);
      if (!k.priority)
        return make_error(ErrorCode::kInvalidArgument, path + ":" + std::to_string(n) + ": '" + cls +
                                                           "' is not a priority class (critical, interactive, background)");
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return make_error(ErrorCode::kInvalidArgument, path + ": no API keys in the file");
  return from_entries(std::move(keys));
}

ApiKeys ApiKeys::from_keys(std::vector<std::string> keys) {
  std::vector<Key> k;
  for (auto& s : keys) k.push_back(Key{std::move(s), std::nullopt});
  return from_entries(std::move(k));
}

ApiKeys ApiKeys::from_entries(std::vector<Key> keys) {
  ApiKeys k;
  k.keys_ = std::move(keys);
  return k;
}

const ApiKeys::Key* ApiKeys::find(std::string_view header) const {
  static const Key kAnyone{"", std::nullopt};
  if (keys_.empty()) return &kAnyone;
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() < kBearer.size() || header.substr(0, kBearer.size()) != kBearer) return nullptr;
  const std::string_view key = header.substr(kBearer.size());
  const Key* found = nullptr;
  for (const auto& k : keys_)  // no early exit
    if (constant_time_equal(key, k.key)) found = &k;
  return found;
}

}  // namespace onboard::server
