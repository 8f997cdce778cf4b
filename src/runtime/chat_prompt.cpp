#include "runtime/chat_prompt.h"

#include "text/chat_template.h"

namespace onboard::runtime {

Expected<std::string> render_chat(const LoadedModel& m, const nlohmann::ordered_json& messages,
                                  const std::string& template_source, const nlohmann::ordered_json& tools) {
  const std::string& source = template_source.empty() ? m.chat_template : template_source;
  if (source.empty())
    return make_error(ErrorCode::kNotFound,
                      "the model has no chat template (tokenizer.chat_template); use --raw or --chat-template FILE");
  ONBOARD_ASSIGN_OR_RETURN(ChatTemplate tmpl, ChatTemplate::parse(source));
  const text::Tokenizer& tok = m.tokenizer;
  const std::string bos = tok.bos_id() >= 0 ? std::string(tok.token_text(tok.bos_id())) : "";
  const std::string eos = tok.eos_id() >= 0 ? std::string(tok.token_text(tok.eos_id())) : "";
  return apply_chat_template(tmpl, messages, /*add_generation_prompt=*/true, bos, eos, tools);
}

Expected<std::vector<int32_t>> chat_prompt_tokens(const LoadedModel& m, const nlohmann::ordered_json& messages,
                                                  const std::string& template_source) {
  ONBOARD_ASSIGN_OR_RETURN(std::string rendered, render_chat(m, messages, template_source));
  return m.tokenizer.encode(rendered, {.add_bos = false, .parse_special = true});
}

std::vector<int32_t> raw_prompt_tokens(const LoadedModel& m, const std::string& text) {
  return m.tokenizer.encode(text, {.add_bos = m.tokenizer.add_bos(), .parse_special = true});
}

}  // namespace onboard::runtime
