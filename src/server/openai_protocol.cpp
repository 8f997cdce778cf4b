#include "server/openai_protocol.h"

#include <cmath>
#include <limits>

namespace onboard::server {
namespace {

const char* type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::binary: return "binary";
    case nlohmann::json::value_t::discarded: return "discarded";
    default: return "a number";
  }
}

ApiError wrong_type(const std::string& param, const char* expected, const nlohmann::json& got) {
  return bad_field(param, "'" + param + "' must be " + expected + ", not " + type_name(got));
}

// Optional number field within [lo, hi]. Absent or null: untouched.
bool get_float(const nlohmann::json& j, const char* key, double lo, double hi, std::optional<float>& out, ApiError& err) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_number()) {
    err = wrong_type(key, "a number", *it);
    return false;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) {
    err = bad_field(key, "'" + std::string(key) + "' must be between " + nlohmann::json(lo).dump() + " and " +
                             nlohmann::json(hi).dump() + ", got " + it->dump());
    return false;
  }
  out = static_cast<float>(v);
  return true;
}

bool get_int(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi, std::optional<int64_t>& out, ApiError& err) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_number_integer() && !(it->is_number_float() && std::floor(it->get<double>()) == it->get<double>() &&
                                    std::fabs(it->get<double>()) < 9e15)) {
    err = wrong_type(key, "an integer", *it);
    return false;
  }
  int64_t v = 0;
  if (it->is_number_unsigned()) {
    const uint64_t u = it->get<uint64_t>();
    v = u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                       : static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else {
    v = static_cast<int64_t>(it->get<double>());
  }
  if (v < lo || v > hi) {
    err = bad_field(key, "'" + std::string(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                             ", got " + it->dump());
    return false;
  }
  out = v;
  return true;
}

bool get_bool(const nlohmann::json& j, const char* key, bool& out, ApiError& err) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_boolean()) {
    err = wrong_type(key, "a boolean", *it);
    return false;
  }
  out = it->get<bool>();
  return true;
}

// "content": a string, null, or an array of {"type": "text", "text": ...} parts (joined).
bool content_text(const ojson& content, const std::string& param, ojson& out, ApiError& err) {
  if (content.is_null() || content.is_string()) {
    out = content;
    return true;
  }
  if (!content.is_array()) {
    err = wrong_type(param, "a string or an array of content parts", content);
    return false;
  }
  std::string text;
  for (size_t i = 0; i < content.size(); ++i) {
    const ojson& part = content[i];
    const std::string p = param + "[" + std::to_string(i) + "]";
    if (part.is_string()) {
      text += part.get<std::string>();
      continue;
    }
    if (!part.is_object()) {
      err = wrong_type(p, "an object", part);
      return false;
    }
    auto type = part.find("type");
    if (type == part.end() || !type->is_string()) {
      err = bad_field(p + ".type", "'" + p + ".type' must be a string");
      return false;
    }
    if (*type != "text") {
      err = bad_field(p + ".type", "content part type '" + type->get<std::string>() + "' is not supported (only 'text')");
      return false;
    }
    auto t = part.find("text");
    if (t == part.end() || !t->is_string()) {
      err = bad_field(p + ".text", "'" + p + ".text' must be a string");
      return false;
    }
    text += t->get<std::string>();
  }
  out = text;
  return true;
}

bool parse_messages(const ojson& j, ojson& out, ApiError& err) {
  auto it = j.find("messages");
  if (it == j.end()) {
    err = bad_field("messages", "'messages' is required");
    return false;
  }
  if (!it->is_array()) {
    err = wrong_type("messages", "an array", *it);
    return false;
  }
  if (it->empty()) {
    err = bad_field("messages", "'messages' must not be empty");
    return false;
  }
  out = ojson::array();
  for (size_t i = 0; i < it->size(); ++i) {
    const ojson& m = (*it)[i];
    const std::string p = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) {
      err = wrong_type(p, "an object", m);
      return false;
    }
    auto role = m.find("role");
    if (role == m.end() || !role->is_string()) {
      err = bad_field(p + ".role", "'" + p + ".role' must be a string");
      return false;
    }
    ojson msg = m;  // other keys (name, tool_calls, tool_call_id) go to the template as given
    auto content = m.find("content");
    if (content != m.end()) {
      ojson text;
      if (!content_text(*content, p + ".content", text, err)) return false;
      msg["content"] = std::move(text);
    } else {
      msg["content"] = "";
    }
    // The templates read tool-call arguments as JSON text or objects; OpenAI sends text.
    out.push_back(std::move(msg));
  }
  return true;
}

// Chat: "logprobs": bool and "top_logprobs": 0..20 (only with logprobs). Completions (legacy):
// "logprobs": 0..5 alternatives.
bool parse_logprobs(const ojson& j, Endpoint endpoint, int& top, ApiError& err) {
  top = -1;
  std::optional<int64_t> v;
  if (endpoint == Endpoint::kCompletion) {
    if (!get_int(j, "logprobs", 0, 5, v, err)) return false;
    if (v) top = static_cast<int>(*v);
    return true;
  }
  bool on = false;
  if (!get_bool(j, "logprobs", on, err)) return false;
  if (!get_int(j, "top_logprobs", 0, 20, v, err)) return false;
  if (v && !on) {
    err = bad_field("top_logprobs", "'top_logprobs' needs 'logprobs': true");
    return false;
  }
  if (on) top = v ? static_cast<int>(*v) : 0;
  return true;
}

std::vector<int> byte_values(const std::string& s) {
  std::vector<int> b;
  b.reserve(s.size());
  for (unsigned char c : s) b.push_back(c);
  return b;
}

}  // namespace

ojson chat_logprobs_json(const std::vector<LogprobEntry>& entries) {
  ojson content = ojson::array();
  for (const auto& e : entries) {
    ojson top = ojson::array();
    for (const auto& t : e.top)
      top.push_back(ojson{{"token", t.bytes}, {"logprob", t.logprob}, {"bytes", byte_values(t.bytes)}});
    content.push_back(ojson{{"token", e.chosen.bytes},
                            {"logprob", e.chosen.logprob},
                            {"bytes", byte_values(e.chosen.bytes)},
                            {"top_logprobs", std::move(top)}});
  }
  return ojson{{"content", std::move(content)}, {"refusal", nullptr}};
}

ojson text_logprobs_json(const std::vector<LogprobEntry>& entries, size_t offset) {
  ojson tokens = ojson::array(), lps = ojson::array(), tops = ojson::array(), offsets = ojson::array();
  for (const auto& e : entries) {
    tokens.push_back(e.chosen.bytes);
    lps.push_back(e.chosen.logprob);
    ojson top = ojson::object();
    for (const auto& t : e.top) top[t.bytes] = t.logprob;
    tops.push_back(std::move(top));
    offsets.push_back(offset);
    offset += e.chosen.bytes.size();
  }
  return ojson{{"tokens", std::move(tokens)},
               {"token_logprobs", std::move(lps)},
               {"top_logprobs", std::move(tops)},
               {"text_offset", std::move(offsets)}};
}

ApiError bad_field(const std::string& param, const std::string& message) {
  ApiError e;
  e.status = 400;
  e.message = message;
  e.param = param;
  e.code = "invalid_value";
  return e;
}

ojson error_body(const ApiError& e) {
  ojson err = ojson::object();
  err["message"] = e.message;
  err["type"] = e.type;
  err["param"] = e.param.empty() ? ojson(nullptr) : ojson(e.param);
  err["code"] = e.code.empty() ? ojson(nullptr) : ojson(e.code);
  return ojson{{"error", err}};
}

bool parse_request(const std::string& body, Endpoint endpoint, CompletionRequest& out, ApiError& err) {
  out = CompletionRequest{};
  out.endpoint = endpoint;
  ojson j = ojson::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    err = ApiError{400, "the request body is not valid JSON", "invalid_request_error", "", "invalid_json"};
    return false;
  }
  if (!j.is_object()) {
    err = ApiError{400, "the request body must be a JSON object", "invalid_request_error", "", "invalid_json"};
    return false;
  }
  if (auto it = j.find("model"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) {
      err = wrong_type("model", "a string", *it);
      return false;
    }
    out.model = it->get<std::string>();
  }
  if (endpoint == Endpoint::kChat) {
    if (!parse_messages(j, out.messages, err)) return false;
    if (auto it = j.find("tools"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) {
        err = wrong_type("tools", "an array", *it);
        return false;
      }
      if (!it->empty()) out.tools = *it;
    }
    // Shapes only; what they ask for is checked where the grammar is built (structured_output).
    if (auto it = j.find("tool_choice"); it != j.end() && !it->is_null()) {
      if (!it->is_string() && !it->is_object()) {
        err = wrong_type("tool_choice", "a string or an object", *it);
        return false;
      }
      out.tool_choice = *it;
    }
    if (!get_bool(j, "parallel_tool_calls", out.parallel_tool_calls, err)) return false;
    if (auto it = j.find("response_format"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) {
        err = wrong_type("response_format", "an object", *it);
        return false;
      }
      out.response_format = *it;
    }
  } else {
    auto it = j.find("prompt");
    if (it == j.end()) {
      err = bad_field("prompt", "'prompt' is required");
      return false;
    }
    if (it->is_string()) {
      out.prompt = it->get<std::string>();
    } else if (it->is_array() && it->size() == 1 && (*it)[0].is_string()) {
      out.prompt = (*it)[0].get<std::string>();
    } else {
      err = wrong_type("prompt", "a string (or an array of one string)", *it);
      return false;
    }
  }

  std::optional<int64_t> v;
  if (!get_int(j, "max_tokens", 1, std::numeric_limits<int32_t>::max(), v, err)) return false;
  out.max_tokens = v;
  v.reset();
  if (!get_int(j, "max_completion_tokens", 1, std::numeric_limits<int32_t>::max(), v, err)) return false;
  if (v) out.max_tokens = v;
  if (!get_float(j, "temperature", 0, 2, out.temperature, err)) return false;
  if (!get_float(j, "top_p", 0, 1, out.top_p, err)) return false;
  if (!get_float(j, "min_p", 0, 1, out.min_p, err)) return false;
  if (!get_float(j, "presence_penalty", -2, 2, out.presence_penalty, err)) return false;
  if (!get_float(j, "frequency_penalty", -2, 2, out.frequency_penalty, err)) return false;
  if (!get_float(j, "repetition_penalty", 0, 10, out.repetition_penalty, err)) return false;
  v.reset();
  if (!get_int(j, "top_k", 0, std::numeric_limits<int32_t>::max(), v, err)) return false;
  if (v) out.top_k = static_cast<int32_t>(*v);
  v.reset();
  if (!get_int(j, "seed", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), v, err)) return false;
  if (v) out.seed = static_cast<uint64_t>(*v);
  v.reset();
  if (auto it = j.find("logit_bias"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      err = wrong_type("logit_bias", "an object mapping token ids to biases", *it);
      return false;
    }
    for (auto b = it->begin(); b != it->end(); ++b) {
      const std::string& key = b.key();
      const bool is_id = !key.empty() && key.size() <= 9 && key.find_first_not_of("0123456789") == std::string::npos;
      if (!is_id) {
        err = bad_field("logit_bias", "'logit_bias' keys must be token ids (decimal integers), got \"" + key + "\"");
        return false;
      }
      if (!b->is_number() || !std::isfinite(b->get<double>()) || b->get<double>() < -100 || b->get<double>() > 100) {
        err = bad_field("logit_bias", "'logit_bias[\"" + key + "\"]' must be a number between -100 and 100, got " + b->dump());
        return false;
      }
      out.logit_bias.emplace_back(std::stoi(key), static_cast<float>(b->get<double>()));
    }
  }
  if (!get_int(j, "n", 1, 16, v, err)) return false;
  if (v) out.n = static_cast<int>(*v);
  if (!get_bool(j, "stream", out.stream, err)) return false;
  if (auto it = j.find("stream_options"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      err = wrong_type("stream_options", "an object", *it);
      return false;
    }
    auto u = it->find("include_usage");
    if (u != it->end() && !u->is_null()) {
      if (!u->is_boolean()) {
        err = wrong_type("stream_options.include_usage", "a boolean", *u);
        return false;
      }
      out.include_usage = u->get<bool>();
    }
  }
  if (auto it = j.find("stop"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      out.stop.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      if (it->size() > 4) {
        err = bad_field("stop", "'stop' holds at most 4 sequences");
        return false;
      }
      for (const auto& s : *it) {
        if (!s.is_string()) {
          err = wrong_type("stop", "a string or an array of strings", *it);
          return false;
        }
        out.stop.push_back(s.get<std::string>());
      }
    } else {
      err = wrong_type("stop", "a string or an array of strings", *it);
      return false;
    }
    for (const auto& s : out.stop) {
      if (s.empty()) {
        err = bad_field("stop", "stop sequences must not be empty");
        return false;
      }
    }
  }
  v.reset();
  if (!get_int(j, "reasoning_budget", 0, std::numeric_limits<int32_t>::max(), v, err)) return false;
  out.reasoning_budget = v;
  if (auto it = j.find("reasoning_effort"); it != j.end() && !it->is_null() && !out.reasoning_budget) {
    if (!it->is_string()) {
      err = wrong_type("reasoning_effort", "a string", *it);
      return false;
    }
    const std::string e = it->get<std::string>();
    if (e == "minimal" || e == "none") out.reasoning_budget = 0;
    else if (e == "low") out.reasoning_budget = 256;
    else if (e == "medium") out.reasoning_budget = 1024;
    else if (e != "high") {
      err = bad_field("reasoning_effort", "'reasoning_effort' must be one of none, minimal, low, medium, high");
      return false;
    }
  }
  if (auto it = j.find("priority"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) {
      err = wrong_type("priority", "a string", *it);
      return false;
    }
    out.priority = parse_priority(it->get<std::string>());
    if (!out.priority) {
      err = bad_field("priority", "'priority' must be one of critical, interactive, background");
      return false;
    }
  }
  if (!parse_logprobs(j, endpoint, out.top_logprobs, err)) return false;
  if (auto it = j.find("user"); it != j.end() && !it->is_null() && !it->is_string()) {
    err = wrong_type("user", "a string", *it);
    return false;
  }
  return true;
}

ojson usage_json(const Usage& u) {
  ojson j = ojson::object();
  j["prompt_tokens"] = u.prompt_tokens;
  j["completion_tokens"] = u.completion_tokens;
  j["total_tokens"] = u.prompt_tokens + u.completion_tokens;
  j["prompt_tokens_details"] = {{"cached_tokens", u.cached_tokens}};
  j["completion_tokens_details"] = {{"reasoning_tokens", u.reasoning_tokens}};
  return j;
}

ojson tool_call_json(const ToolCall& call, const std::string& id, int index) {
  ojson j = ojson::object();
  j["index"] = index;
  j["id"] = id;
  j["type"] = call.type.empty() ? "function" : call.type;
  j["function"] = {{"name", call.name}, {"arguments", call.arguments.dump()}};
  return j;
}

ojson chat_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage) {
  ojson out = ojson::object();
  out["id"] = id;
  out["object"] = "chat.completion";
  out["created"] = created;
  out["model"] = model;
  ojson cs = ojson::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    const ChoiceResult& c = choices[i];
    ojson msg = ojson::object();
    msg["role"] = "assistant";
    msg["content"] = c.content.empty() && !c.tool_calls.empty() ? ojson(nullptr) : ojson(c.content);
    if (!c.reasoning.empty()) msg["reasoning_content"] = c.reasoning;
    if (!c.tool_calls.empty()) {
      ojson calls = ojson::array();
      for (size_t k = 0; k < c.tool_calls.size(); ++k)
        calls.push_back(tool_call_json(c.tool_calls[k], id + "-call-" + std::to_string(i) + "-" + std::to_string(k),
                                       static_cast<int>(k)));
      msg["tool_calls"] = std::move(calls);
    }
    ojson choice = ojson::object();
    choice["index"] = i;
    choice["message"] = std::move(msg);
    choice["logprobs"] = c.with_logprobs ? chat_logprobs_json(c.logprobs) : ojson(nullptr);
    choice["finish_reason"] = c.finish_reason;
    cs.push_back(std::move(choice));
  }
  out["choices"] = std::move(cs);
  out["usage"] = usage_json(usage);
  return out;
}

ojson text_completion_json(const std::string& id, int64_t created, const std::string& model,
                           const std::vector<ChoiceResult>& choices, const Usage& usage) {
  ojson out = ojson::object();
  out["id"] = id;
  out["object"] = "text_completion";
  out["created"] = created;
  out["model"] = model;
  ojson cs = ojson::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    ojson choice = ojson::object();
    choice["index"] = i;
    choice["text"] = choices[i].reasoning + choices[i].content;
    choice["logprobs"] = choices[i].with_logprobs ? text_logprobs_json(choices[i].logprobs, 0) : ojson(nullptr);
    choice["finish_reason"] = choices[i].finish_reason;
    cs.push_back(std::move(choice));
  }
  out["choices"] = std::move(cs);
  out["usage"] = usage_json(usage);
  return out;
}

ojson chat_chunk_json(const std::string& id, int64_t created, const std::string& model, int index, ojson delta,
                      const std::string& finish_reason, bool include_usage_null, ojson logprobs) {
  ojson out = ojson::object();
  out["id"] = id;
  out["object"] = "chat.completion.chunk";
  out["created"] = created;
  out["model"] = model;
  ojson choice = ojson::object();
  choice["index"] = index;
  choice["delta"] = std::move(delta);
  choice["logprobs"] = std::move(logprobs);
  choice["finish_reason"] = finish_reason.empty() ? ojson(nullptr) : ojson(finish_reason);
  out["choices"] = ojson::array({std::move(choice)});
  if (include_usage_null) out["usage"] = nullptr;
  return out;
}

ojson text_chunk_json(const std::string& id, int64_t created, const std::string& model, int index,
                      const std::string& text, const std::string& finish_reason, bool include_usage_null,
                      ojson logprobs) {
  ojson out = ojson::object();
  out["id"] = id;
  out["object"] = "text_completion";
  out["created"] = created;
  out["model"] = model;
  ojson choice = ojson::object();
  choice["index"] = index;
  choice["text"] = text;
  choice["logprobs"] = std::move(logprobs);
  choice["finish_reason"] = finish_reason.empty() ? ojson(nullptr) : ojson(finish_reason);
  out["choices"] = ojson::array({std::move(choice)});
  if (include_usage_null) out["usage"] = nullptr;
  return out;
}

ojson usage_chunk_json(const std::string& id, int64_t created, const std::string& model, bool chat, const Usage& u) {
  ojson out = ojson::object();
  out["id"] = id;
  out["object"] = chat ? "chat.completion.chunk" : "text_completion";
  out["created"] = created;
  out["model"] = model;
  out["choices"] = ojson::array();
  out["usage"] = usage_json(u);
  return out;
}

}  // namespace onboard::server
