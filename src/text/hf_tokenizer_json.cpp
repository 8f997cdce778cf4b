#include "text/hf_tokenizer_json.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "text/byte_level.h"

namespace onboard::text {
namespace {

using nlohmann::json;

// The Split patterns as the Hugging Face files spell them (JSON-decoded).
constexpr const char* kQwen2Regex =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr const char* kLlama3Regex =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr const char* kV3Regex1 = R"re(\p{N}{1,3})re";
constexpr const char* kV3Regex2 = "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+";
constexpr const char* kV3Regex3 =
    R"re([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

// Some copies store CR/LF inside the pattern as the characters themselves, others as escapes.
std::string canonical_regex(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Expected<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return make_error(ErrorCode::kNotFound, "cannot open " + p.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return make_error(ErrorCode::kIo, "cannot read " + p.string());
  return ss.str();
}

std::string short_dump(const json& j) {
  std::string s = j.dump();
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

// Describes one pre-tokenizer step as a Split regex, or returns "" for the final ByteLevel.
struct Step {
  bool byte_level = false;
  std::string regex;  // canonical
};

Expected<std::vector<Step>> pre_tokenizer_steps(const json& pre, const std::string& name) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUnsupported, name + ": unsupported pre_tokenizer (" + why + "): " + short_dump(pre));
  };
  if (pre.is_null()) return bad("none");
  std::vector<json> list;
  const std::string type = pre.value("type", "");
  if (type == "Sequence") {
    if (!pre.contains("pretokenizers") || !pre["pretokenizers"].is_array()) return bad("Sequence without pretokenizers");
    for (const auto& p : pre["pretokenizers"]) list.push_back(p);
  } else {
    list.push_back(pre);
  }
  std::vector<Step> steps;
  for (const auto& p : list) {
    const std::string t = p.is_object() ? p.value("type", "") : "";
    if (t == "Split") {
      const std::string behavior = p.value("behavior", "");
      if (behavior != "Isolated" || p.value("invert", false))
        return bad("Split with behavior '" + behavior + "'" + (p.value("invert", false) ? " inverted" : ""));
      if (!p.contains("pattern") || !p["pattern"].is_object() || !p["pattern"].contains("Regex") ||
          !p["pattern"]["Regex"].is_string())
        return bad("Split without a Regex pattern");
      steps.push_back({false, canonical_regex(p["pattern"]["Regex"].get<std::string>())});
    } else if (t == "ByteLevel") {
      if (p.value("use_regex", true)) return bad("ByteLevel with use_regex=true (GPT-2 pre-tokenizer)");
      if (p.value("add_prefix_space", false)) return bad("ByteLevel with add_prefix_space=true");
      steps.push_back({true, {}});
    } else {
      return bad("step of type '" + t + "'");
    }
  }
  if (steps.empty() || !steps.back().byte_level) return bad("it does not end with ByteLevel");
  steps.pop_back();
  for (const auto& s : steps)
    if (s.byte_level) return bad("ByteLevel before the last step");
  return steps;
}

Expected<bool> normalizer_is_nfc(const json& norm, const std::string& name) {
  if (norm.is_null()) return false;
  const std::string type = norm.value("type", "");
  if (type == "NFC") return true;
  if (type == "Sequence" && norm.contains("normalizers") && norm["normalizers"].is_array()) {
    bool nfc = false;
    for (const auto& n : norm["normalizers"]) {
      auto r = normalizer_is_nfc(n, name);
      if (!r.ok()) return r;
      nfc = nfc || *r;
    }
    return nfc;
  }
  return make_error(ErrorCode::kUnsupported,
                    name + ": unsupported normalizer '" + type + "' (only NFC or none): " + short_dump(norm));
}

std::string token_content(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("content") && j["content"].is_string()) return j["content"].get<std::string>();
  return {};
}

bool looks_special(const std::string& s) {
  auto wraps = [&](std::string_view open, std::string_view close) {
    return s.size() >= open.size() + close.size() && s.compare(0, open.size(), open) == 0 &&
           s.compare(s.size() - close.size(), close.size(), close) == 0;
  };
  return wraps("<|", "|>") || wraps("<\uff5c", "\uff5c>");
}

Expected<VocabData> parse_impl(const std::string& tokenizer_json, const std::string& config_json,
                               const std::string& name) {
  json tj = json::parse(tokenizer_json, nullptr, /*allow_exceptions=*/false);
  if (tj.is_discarded()) return make_error(ErrorCode::kCorrupt, name + ": not valid JSON");
  if (!tj.is_object()) return make_error(ErrorCode::kCorrupt, name + ": top level is not a JSON object");
  VocabData v;

  // Model.
  if (!tj.contains("model") || !tj["model"].is_object())
    return make_error(ErrorCode::kCorrupt, name + ": no \"model\" object");
  const json& model = tj["model"];
  const std::string mtype = model.value("type", "BPE");
  if (mtype != "BPE") return make_error(ErrorCode::kUnsupported, name + ": model type '" + mtype + "' is not BPE");
  if (model.contains("byte_fallback") && model["byte_fallback"].is_boolean() && model["byte_fallback"].get<bool>())
    return make_error(ErrorCode::kUnsupported, name + ": BPE with byte_fallback is not supported");
  for (const char* k : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (model.contains(k) && model[k].is_string() && !model[k].get<std::string>().empty())
      return make_error(ErrorCode::kUnsupported, name + std::string(": BPE with ") + k + " is not supported");
  if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
    return make_error(ErrorCode::kUnsupported, name + ": BPE dropout is not supported");
  v.ignore_merges = model.value("ignore_merges", false);
  if (!model.contains("vocab") || !model["vocab"].is_object())
    return make_error(ErrorCode::kCorrupt, name + ": model.vocab is missing or not an object");
  if (!model.contains("merges") || !model["merges"].is_array())
    return make_error(ErrorCode::kCorrupt, name + ": model.merges is missing or not an array");

  std::map<int64_t, std::string> by_id;
  for (auto it = model["vocab"].begin(); it != model["vocab"].end(); ++it) {
    if (!it.value().is_number_integer())
      return make_error(ErrorCode::kCorrupt, name + ": model.vocab['" + it.key() + "'] is not an integer id");
    const int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > 0x7FFFFFF0)
      return make_error(ErrorCode::kCorrupt, name + ": model.vocab['" + it.key() + "'] has id " + std::to_string(id));
    if (!by_id.emplace(id, it.key()).second)
      return make_error(ErrorCode::kCorrupt, name + ": model.vocab id " + std::to_string(id) + " is used twice");
  }
  const auto& merges = model["merges"];
  v.merges.reserve(merges.size());
  for (size_t r = 0; r < merges.size(); ++r) {
    const json& m = merges[r];
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const size_t sp = s.find(' ', 1);
      if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
        return make_error(ErrorCode::kCorrupt, name + ": model.merges[" + std::to_string(r) + "] '" + s +
                                                   "' is not two tokens separated by one space");
      v.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      v.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      return make_error(ErrorCode::kCorrupt,
                        name + ": model.merges[" + std::to_string(r) + "] is neither \"A B\" nor [A, B]");
    }
  }

  // Added tokens.
  if (tj.contains("added_tokens") && !tj["added_tokens"].is_null()) {
    if (!tj["added_tokens"].is_array()) return make_error(ErrorCode::kCorrupt, name + ": added_tokens is not an array");
    for (const auto& a : tj["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") ||
          !a["content"].is_string())
        return make_error(ErrorCode::kCorrupt, name + ": malformed added token " + short_dump(a));
      AddedToken t;
      const int64_t id = a["id"].get<int64_t>();
      if (id < 0 || id > 0x7FFFFFF0)
        return make_error(ErrorCode::kCorrupt, name + ": added token id " + std::to_string(id) + " out of range");
      t.id = static_cast<int32_t>(id);
      t.content = a["content"].get<std::string>();
      if (t.content.empty()) return make_error(ErrorCode::kCorrupt, name + ": added token " + std::to_string(id) + " is empty");
      t.special = a.value("special", false);
      t.lstrip = a.value("lstrip", false);
      t.rstrip = a.value("rstrip", false);
      t.normalized = a.value("normalized", !t.special);
      t.single_word = a.value("single_word", false);
      auto [it, fresh] = by_id.emplace(id, t.content);
      if (!fresh && it->second != t.content)
        return make_error(ErrorCode::kCorrupt, name + ": added token '" + t.content + "' reuses id " +
                                                   std::to_string(id) + " of '" + it->second + "'");
      v.added_tokens.push_back(std::move(t));
    }
  }

  // Dense token table; holes (ids the file does not define) become unused padding entries.
  const int64_t n = by_id.empty() ? 0 : by_id.rbegin()->first + 1;
  v.tokens.resize(static_cast<size_t>(n));
  v.token_types.assign(static_cast<size_t>(n), TokenType::kUnused);
  for (int64_t id = 0; id < n; ++id) v.tokens[static_cast<size_t>(id)] = "[PAD" + std::to_string(id) + "]";
  for (const auto& [id, s] : by_id) {
    v.tokens[static_cast<size_t>(id)] = s;
    v.token_types[static_cast<size_t>(id)] = TokenType::kNormal;
  }
  // As llama.cpp's converter types them: special or <|...|>/<｜...｜>-looking added tokens are
  // CONTROL, other added tokens USER_DEFINED.
  for (const auto& t : v.added_tokens)
    v.token_types[static_cast<size_t>(t.id)] =
        (t.special || looks_special(t.content)) ? TokenType::kControl : TokenType::kUserDefined;

  // Normalizer and pre-tokenizer.
  auto nfc = normalizer_is_nfc(tj.contains("normalizer") ? tj["normalizer"] : json(), name);
  if (!nfc.ok()) return nfc.error();
  v.nfc = *nfc;
  auto steps = pre_tokenizer_steps(tj.contains("pre_tokenizer") ? tj["pre_tokenizer"] : json(), name);
  if (!steps.ok()) return steps.error();
  std::vector<std::string> regexes;
  for (const auto& s : *steps) regexes.push_back(s.regex);
  auto same = [&](std::initializer_list<const char*> want) {
    if (regexes.size() != want.size()) return false;
    size_t k = 0;
    for (const char* w : want)
      if (regexes[k++] != canonical_regex(w)) return false;
    return true;
  };
  if (same({kQwen2Regex})) {
    const bool deepseek = std::any_of(v.added_tokens.begin(), v.added_tokens.end(), [](const AddedToken& t) {
      return t.content == "<\uff5cbegin\u2581of\u2581sentence\uff5c>";
    });
    v.pre = deepseek ? kPreDeepseekR1Qwen : kPreQwen2;
  } else if (same({kV3Regex1, kV3Regex2, kV3Regex3})) {
    v.pre = kPreDeepseekV3;
  } else if (same({kLlama3Regex})) {
    v.pre = kPreLlamaBpe;
    v.ignore_merges = true;
  } else {
    std::string found;
    for (const auto& r : regexes) found += (found.empty() ? "" : " then ") + ("Split(" + r + ")");
    return make_error(ErrorCode::kUnsupported,
                      name + ": pre_tokenizer not recognised as qwen2, deepseek-v3 or llama-bpe; found " +
                          (found.empty() ? std::string("ByteLevel only") : found));
  }

  // Config.
  std::string bos, eos, pad;
  bool have_config = false;
  if (!config_json.empty()) {
    json cj = json::parse(config_json, nullptr, false);
    if (cj.is_discarded() || !cj.is_object())
      return make_error(ErrorCode::kCorrupt, name + ": tokenizer_config.json is not a valid JSON object");
    have_config = true;
    if (cj.contains("add_bos_token") && cj["add_bos_token"].is_boolean()) v.add_bos = cj["add_bos_token"].get<bool>();
    if (cj.contains("add_eos_token") && cj["add_eos_token"].is_boolean()) v.add_eos = cj["add_eos_token"].get<bool>();
    if (cj.contains("bos_token")) bos = token_content(cj["bos_token"]);
    if (cj.contains("eos_token")) eos = token_content(cj["eos_token"]);
    if (cj.contains("pad_token")) pad = token_content(cj["pad_token"]);
    if (cj.contains("chat_template")) {
      const json& ct = cj["chat_template"];
      if (ct.is_string()) {
        v.chat_template = ct.get<std::string>();
      } else if (ct.is_array()) {  // [{name, template}, ...]: take "default"
        for (const auto& e : ct)
          if (e.is_object() && e.value("name", "") == "default" && e.contains("template") && e["template"].is_string())
            v.chat_template = e["template"].get<std::string>();
      }
    }
  }
  if (!have_config && tj.contains("post_processor") && tj["post_processor"].is_object()) {
    // Without a config, a TemplateProcessing that starts with a special token means "add BOS".
    const json& pp = tj["post_processor"];
    if (pp.value("type", "") == "TemplateProcessing" && pp.contains("single") && pp["single"].is_array() &&
        !pp["single"].empty() && pp["single"][0].is_object() && pp["single"][0].contains("SpecialToken")) {
      const json& st = pp["single"][0]["SpecialToken"];
      if (st.is_object() && st.contains("id") && st["id"].is_string()) {
        bos = st["id"].get<std::string>();
        v.add_bos = true;
      }
    }
  }
  auto id_of = [&](const std::string& s) -> int32_t {
    if (s.empty()) return -1;
    for (const auto& t : v.added_tokens)
      if (t.content == s) return t.id;
    for (const auto& [id, str] : by_id)
      if (str == s) return static_cast<int32_t>(id);
    return -1;
  };
  v.bos_id = id_of(bos);
  v.eos_id = id_of(eos);
  v.pad_id = id_of(pad);
  if (!bos.empty() && v.bos_id < 0)
    return make_error(ErrorCode::kCorrupt, name + ": bos_token '" + bos + "' is not in the vocabulary");
  if (!eos.empty() && v.eos_id < 0)
    return make_error(ErrorCode::kCorrupt, name + ": eos_token '" + eos + "' is not in the vocabulary");
  if (v.add_bos && v.bos_id < 0)
    return make_error(ErrorCode::kCorrupt, name + ": add_bos_token is true but there is no bos_token");
  return v;
}

}  // namespace

Expected<VocabData> parse_hf_tokenizer(const std::string& tokenizer_json, const std::string& config_json,
                                       const std::string& name) {
  try {
    return parse_impl(tokenizer_json, config_json, name);
  } catch (const std::exception& e) {  // nlohmann type errors on unexpected shapes
    return make_error(ErrorCode::kCorrupt, name + ": unexpected structure: " + e.what());
  }
}

Expected<VocabData> load_hf_tokenizer(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path file = path;
  if (fs::is_directory(file, ec)) file /= "tokenizer.json";
  auto text = read_file(file);
  if (!text.ok()) return text.error();
  std::string config;
  const fs::path cfg = file.parent_path() / "tokenizer_config.json";
  if (fs::exists(cfg, ec)) {
    auto c = read_file(cfg);
    if (!c.ok()) return c.error();
    config = std::move(c).value();
  }
  return parse_hf_tokenizer(*text, config, file.string());
}

}  // namespace onboard::text
