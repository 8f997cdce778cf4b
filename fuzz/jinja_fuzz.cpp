// Fuzz target: arbitrary template text rendered against a fixed chat context. Parsing and
// rendering must never crash, hang or exhaust the stack (all limits end in an Error).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "text/chat_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  static const nlohmann::ordered_json kContext = nlohmann::ordered_json::parse(R"({
    "messages": [
      {"role": "system", "content": "You are a car assistant."},
      {"role": "user", "content": "请把空调调到22度 🚗"},
      {"role": "assistant", "content": "<think>ok</think>Done.", "tool_calls": [
        {"type": "function", "function": {"name": "set_temperature", "arguments": "{\"celsius\": 22}"}}]},
      {"role": "tool", "content": "{\"ok\": true}"}
    ],
    "tools": [{"type": "function", "function": {"name": "set_temperature", "parameters": {"type": "object"}}}],
    "add_generation_prompt": true,
    "bos_token": "<｜begin▁of▁sentence｜>",
    "eos_token": "<｜end▁of▁sentence｜>"
  })");
  auto tmpl = onboard::ChatTemplate::parse(std::string(reinterpret_cast<const char*>(data), size));
  if (!tmpl.ok()) return 0;
  auto out = tmpl->render(kContext);
  (void)out;
  return 0;
}
