// Shared fixture loading for the tokenizer tests (tokenizers are loaded once per process).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "format/gguf.h"
#include "text/gguf_vocab.h"
#include "text/hf_tokenizer_json.h"
#include "text/tokenizer.h"

namespace onboard::text::testing {

inline std::string fixtures_dir() { return ONBOARD_FIXTURES_DIR; }

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

struct CorpusCase {
  int id = 0;
  std::string category;
  std::string text;
  std::vector<int32_t> ids;
};

inline const std::vector<CorpusCase>& expected_cases(const std::string& flavour) {
  static std::map<std::string, std::vector<CorpusCase>> cache;
  auto it = cache.find(flavour);
  if (it != cache.end()) return it->second;
  std::vector<CorpusCase> cases;
  const nlohmann::json j = read_json(fixtures_dir() + "/tokenizer/expected_" + flavour + ".json");
  if (j.is_object() && j.contains("cases"))
    for (const auto& c : j["cases"])
      cases.push_back({c["id"].get<int>(), c["category"].get<std::string>(), c["text"].get<std::string>(),
                       c["ids"].get<std::vector<int32_t>>()});
  return cache.emplace(flavour, std::move(cases)).first->second;
}

// Tokenizer from the Hugging Face files of a flavour (r1-qwen, deepseek-v3); null on failure
// (the failure is reported as a test failure).
inline const Tokenizer* hf_tokenizer(const std::string& flavour) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto it = cache.find(flavour);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<Tokenizer> tok;
  auto v = load_hf_tokenizer(fixtures_dir() + "/tokenizer/" + flavour);
  if (!v.ok()) {
    ADD_FAILURE() << "load_hf_tokenizer(" << flavour << "): " << v.error().message;
  } else {
    auto t = Tokenizer::create(std::move(v).value());
    if (!t.ok())
      ADD_FAILURE() << "Tokenizer::create(" << flavour << "): " << t.error().message;
    else
      tok = std::make_unique<Tokenizer>(std::move(t).value());
  }
  return cache.emplace(flavour, std::move(tok)).first->second.get();
}

// Tokenizer from the GGUF metadata of a fixture model (tiny-qwen2, tiny-llama).
inline const Tokenizer* gguf_tokenizer(const std::string& model) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto it = cache.find(model);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<Tokenizer> tok;
  auto f = gguf::GgufFile::open(fixtures_dir() + "/models/" + model + ".gguf");
  if (!f.ok()) {
    ADD_FAILURE() << "GgufFile::open(" << model << "): " << f.error().message;
  } else {
    auto v = vocab_from_gguf(*f);
    if (!v.ok()) {
      ADD_FAILURE() << "vocab_from_gguf(" << model << "): " << v.error().message;
    } else {
      auto t = Tokenizer::create(std::move(v).value());
      if (!t.ok())
        ADD_FAILURE() << "Tokenizer::create(" << model << "): " << t.error().message;
      else
        tok = std::make_unique<Tokenizer>(std::move(t).value());
    }
  }
  return cache.emplace(model, std::move(tok)).first->second.get();
}

inline std::string ids_str(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t k = 0; k < ids.size(); ++k) s += (k ? ", " : "") + std::to_string(ids[k]);
  return s + "]";
}

}  // namespace onboard::text::testing
