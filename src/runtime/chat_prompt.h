// Prompt tokens for a conversation: the model's chat template (or an override) rendered
// with add_generation_prompt, then tokenized without a second BOS (the template writes it,
// reference §8.1 step 7); or raw text with BOS added when the model wants it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/loaded_model.h"

namespace onboard::runtime {

// messages: [{"role": ..., "content": ...}, ...]; template_source empty = the model's own.
// tools: the OpenAI "tools" array given to the template (null: none).
Expected<std::string> render_chat(const LoadedModel& m, const nlohmann::ordered_json& messages,
                                  const std::string& template_source = {},
                                  const nlohmann::ordered_json& tools = nullptr);
Expected<std::vector<int32_t>> chat_prompt_tokens(const LoadedModel& m, const nlohmann::ordered_json& messages,
                                                  const std::string& template_source = {});
std::vector<int32_t> raw_prompt_tokens(const LoadedModel& m, const std::string& text);

}  // namespace onboard::runtime
