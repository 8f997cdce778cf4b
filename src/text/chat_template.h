// Chat templates: a Jinja subset interpreter (src/text/jinja/) that renders Hugging Face
// chat templates byte for byte like @huggingface/jinja (the renderer HF's JS stack uses;
// same trim_blocks/lstrip_blocks preprocessing as transformers).
//
// Errors (syntax, unsupported construct, raise_exception, limits) come back as an Error whose
// message names the construct and its line:column. Rendering is bounded: nesting depth,
// evaluation steps, macro recursion and output size all have limits.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace onboard {

namespace jinja { struct Node; }

class ChatTemplate {
 public:
  // Lexes and parses a template; a syntax error names its line and column.
  static Expected<ChatTemplate> parse(std::string source);

  // Renders with the given variables (a JSON object). Use ordered_json to keep key order
  // (it shows in `tojson` output); nlohmann::json sorts object keys.
  Expected<std::string> render(const nlohmann::json& context) const;
  Expected<std::string> render(const nlohmann::ordered_json& context) const;

  const std::string& source() const;

 private:
  struct Impl;
  explicit ChatTemplate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  template <typename J>
  Expected<std::string> render_impl(const J& context) const;
  std::shared_ptr<const Impl> impl_;
};

// Renders `messages` the way transformers' apply_chat_template / @huggingface/jinja do:
// variables messages, add_generation_prompt, bos_token, eos_token, tools (only when not
// null) and every key of `extra` (an object, e.g. {"enable_thinking": false}).
Expected<std::string> apply_chat_template(const ChatTemplate& tmpl, const nlohmann::json& messages,
                                          bool add_generation_prompt, const std::string& bos_token,
                                          const std::string& eos_token, const nlohmann::json& tools = nullptr,
                                          const nlohmann::json& extra = nullptr);
Expected<std::string> apply_chat_template(const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                                          bool add_generation_prompt, const std::string& bos_token,
                                          const std::string& eos_token, const nlohmann::ordered_json& tools = nullptr,
                                          const nlohmann::ordered_json& extra = nullptr);

}  // namespace onboard
