#include "prompt.h"

#include <fstream>
#include <sstream>

#include "runtime/chat_prompt.h"

namespace onboard::cli {

void add_prompt_flags(CLI::App& app, PromptFlags& f) {
  app.add_option("-p,--prompt", f.prompt, "prompt text");
  app.add_option("-f,--file", f.prompt_file, "read the prompt from a file");
  app.add_option("--sys,--system-prompt", f.system, "system message (chat template only)");
  app.add_option("--chat-template", f.chat_template_file, "Jinja chat template file overriding the model's");
  app.add_flag("--raw", f.raw, "feed the prompt as is (BOS added when the model wants it), no chat template");
}

Expected<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Expected<std::vector<int32_t>> build_prompt(const runtime::LoadedModel& m, const PromptFlags& f) {
  std::string text = f.prompt;
  if (!f.prompt_file.empty()) {
    ONBOARD_ASSIGN_OR_RETURN(text, read_text_file(f.prompt_file));
  }
  if (f.raw) return runtime::raw_prompt_tokens(m, text);
  std::string tmpl;
  if (!f.chat_template_file.empty()) {
    ONBOARD_ASSIGN_OR_RETURN(tmpl, read_text_file(f.chat_template_file));
  }
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  if (!f.system.empty()) messages.push_back({{"role", "system"}, {"content", f.system}});
  messages.push_back({{"role", "user"}, {"content", text}});
  return runtime::chat_prompt_tokens(m, messages, tmpl);
}

}  // namespace onboard::cli
