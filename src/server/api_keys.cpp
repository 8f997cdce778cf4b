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
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    keys.push_back(line.substr(b));
  }
  if (keys.empty()) return make_error(ErrorCode::kInvalidArgument, path + ": no API keys in the file");
  return from_keys(std::move(keys));
}

ApiKeys ApiKeys::from_keys(std::vector<std::string> keys) {
  ApiKeys k;
  k.keys_ = std::move(keys);
  return k;
}

bool ApiKeys::authorize(std::string_view header) const {
  if (keys_.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() < kBearer.size() || header.substr(0, kBearer.size()) != kBearer) return false;
  const std::string_view key = header.substr(kBearer.size());
  bool ok = false;
  for (const auto& k : keys_) ok |= constant_time_equal(key, k);  // no early exit
  return ok;
}

}  // namespace onboard::server
