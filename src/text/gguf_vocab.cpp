#include "text/gguf_vocab.h"

#include <string>

#include "text/pre_tokenizer.h"

namespace onboard::text {
namespace {

Expected<int32_t> optional_id(const gguf::GgufFile& f, const char* key, size_t n_tokens) {
  if (!f.find(key)) return -1;
  auto v = f.get_uint(key);
  if (!v.ok()) return v.error();
  if (*v >= n_tokens)
    return make_error(ErrorCode::kCorrupt, f.name() + ": " + key + " = " + std::to_string(*v) +
                                               " is outside the vocabulary (" + std::to_string(n_tokens) + " tokens)");
  return static_cast<int32_t>(*v);
}

Expected<bool> optional_bool(const gguf::GgufFile& f, const char* key, bool fallback) {
  if (!f.find(key)) return fallback;
  return f.get_bool(key);
}

}  // namespace

Expected<VocabData> vocab_from_gguf(const gguf::GgufFile& f) {
  const std::string& name = f.name();
  if (!f.find("tokenizer.ggml.model"))
    return make_error(ErrorCode::kNotFound, name + ": no tokenizer.ggml.model key (the file has no tokenizer)");
  auto model = f.get_string("tokenizer.ggml.model");
  if (!model.ok()) return model.error();
  if (*model != "gpt2")
    return make_error(ErrorCode::kUnsupported, name + ": tokenizer.ggml.model '" + std::string(*model) +
                                                   "' is not supported (only 'gpt2', byte-level BPE)");
  if (!f.find("tokenizer.ggml.pre"))
    return make_error(ErrorCode::kNotFound, name + ": no tokenizer.ggml.pre key (pre-tokenizer unknown)");
  auto pre = f.get_string("tokenizer.ggml.pre");
  if (!pre.ok()) return pre.error();
  VocabData v;
  v.pre = std::string(*pre);
  if (PreTokenizer::patterns_for(v.pre).empty()) {
    std::string known;
    for (const auto& k : PreTokenizer::known_names()) known += (known.empty() ? "" : ", ") + k;
    return make_error(ErrorCode::kUnsupported,
                      name + ": unknown tokenizer.ggml.pre '" + v.pre + "' (supported: " + known + ")");
  }
  v.nfc = v.pre == kPreQwen2 || v.pre == kPreDeepseekR1Qwen;
  v.ignore_merges = v.pre == kPreLlamaBpe;

  auto tokens = f.get_array("tokenizer.ggml.tokens", gguf::ValueType::STRING);
  if (!tokens.ok()) return tokens.error();
  const gguf::Value& tv = **tokens;
  if (tv.strings.empty()) return make_error(ErrorCode::kCorrupt, name + ": tokenizer.ggml.tokens is empty");
  const size_t n = tv.strings.size();
  v.tokens.reserve(n);
  for (auto s : tv.strings) v.tokens.emplace_back(s);

  v.token_types.assign(n, TokenType::kNormal);
  if (f.find("tokenizer.ggml.token_type")) {
    auto types = f.get_array("tokenizer.ggml.token_type", gguf::ValueType::INT32);
    if (!types.ok()) return types.error();
    const gguf::Value& ty = **types;
    if (ty.count != n)
      return make_error(ErrorCode::kCorrupt, name + ": tokenizer.ggml.token_type has " + std::to_string(ty.count) +
                                                 " entries for " + std::to_string(n) + " tokens");
    for (size_t k = 0; k < n; ++k) {
      const int64_t t = ty.int_at(k);
      if (t < 0 || t > 6)
        return make_error(ErrorCode::kCorrupt, name + ": tokenizer.ggml.token_type[" + std::to_string(k) +
                                                   "] = " + std::to_string(t) + " is not a token type");
      v.token_types[k] = static_cast<TokenType>(t);
    }
  }

  if (!f.find("tokenizer.ggml.merges"))
    return make_error(ErrorCode::kNotFound, name + ": no tokenizer.ggml.merges key (BPE needs merges)");
  auto merges = f.get_array("tokenizer.ggml.merges", gguf::ValueType::STRING);
  if (!merges.ok()) return merges.error();
  const gguf::Value& mv = **merges;
  v.merges.reserve(mv.strings.size());
  for (size_t r = 0; r < mv.strings.size(); ++r) {
    const std::string_view s = mv.strings[r];
    const size_t sp = s.size() > 1 ? s.find(' ', 1) : std::string_view::npos;
    if (sp == std::string_view::npos)
      return make_error(ErrorCode::kCorrupt, name + ": tokenizer.ggml.merges[" + std::to_string(r) + "] '" +
                                                 std::string(s) + "' has no separating space");
    v.merges.emplace_back(std::string(s.substr(0, sp)), std::string(s.substr(sp + 1)));
  }

  auto assign_id = [&](const char* key, int32_t* out) -> Status {
    auto id = optional_id(f, key, n);
    if (!id.ok()) return id.error();
    *out = *id;
    return Status::Ok();
  };
  ONBOARD_TRY(assign_id("tokenizer.ggml.bos_token_id", &v.bos_id));
  ONBOARD_TRY(assign_id("tokenizer.ggml.eos_token_id", &v.eos_id));
  ONBOARD_TRY(assign_id("tokenizer.ggml.padding_token_id", &v.pad_id));
  ONBOARD_TRY(assign_id("tokenizer.ggml.eot_token_id", &v.eot_id));
  auto add_bos = optional_bool(f, "tokenizer.ggml.add_bos_token", false);
  if (!add_bos.ok()) return add_bos.error();
  v.add_bos = *add_bos;
  auto add_eos = optional_bool(f, "tokenizer.ggml.add_eos_token", false);
  if (!add_eos.ok()) return add_eos.error();
  v.add_eos = *add_eos;
  if (v.add_bos && v.bos_id < 0)
    return make_error(ErrorCode::kCorrupt, name + ": tokenizer.ggml.add_bos_token is true but there is no bos_token_id");
  if (f.find("tokenizer.chat_template")) {
    auto ct = f.get_string("tokenizer.chat_template");
    if (!ct.ok()) return ct.error();
    v.chat_template = std::string(*ct);
  }

  for (size_t id = 0; id < n; ++id) {
    const TokenType t = v.token_types[id];
    if ((t != TokenType::kControl && t != TokenType::kUserDefined) || v.tokens[id].empty()) continue;
    AddedToken a;
    a.content = v.tokens[id];
    a.id = static_cast<int32_t>(id);
    a.special = t == TokenType::kControl;
    v.added_tokens.push_back(std::move(a));
  }
  return v;
}

}  // namespace onboard::text
