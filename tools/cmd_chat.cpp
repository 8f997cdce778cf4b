// onboard chat: an interactive conversation, streamed, with the model's reasoning shown
// apart from its answer. The conversation is re-rendered with the chat template each turn
// and only the tokens after the shared prefix are fed again.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "commands.h"
#include "prompt.h"
#include "runtime/chat_prompt.h"
#include "text/detokenizer.h"
#include "text/tool_call_parser.h"

namespace onboard::cli {

int cmd_chat(int argc, char** argv) {
  CLI::App app{"Talk with a model (empty line or /exit to quit, /reset to start over)", "onboard chat"};
  ModelFlags mf;
  SamplingFlags sf;
  std::string system, template_file;
  int64_t n_predict = 2048;
  add_model_flags(app, mf);
  add_sampling_flags(app, sf);
  app.add_option("--sys,--system-prompt", system, "system message");
  app.add_option("--chat-template", template_file, "Jinja chat template file overriding the model's");
  app.add_option("-n,--n-predict", n_predict, "most tokens per answer");
  CLI11_PARSE(app, argc, argv);

  auto loaded = runtime::load(mf.model);
  if (!loaded.ok()) return fail(loaded.error());
  runtime::LoadedModel& lm = **loaded;
  for (const auto& n : lm.notes) std::fprintf(stderr, "onboard: %s\n", n.c_str());
  std::string tmpl;
  if (!template_file.empty()) {
    auto t = read_text_file(template_file);
    if (!t.ok()) return fail(t.error());
    tmpl = *t;
  }
  auto opts = session_options(mf, sf, lm.model->config());
  if (!opts.ok()) return fail(opts.error());
  ThreadPool pool(opts->state.n_threads);
  auto session = runtime::Session::create(*lm.model, lm.tokenizer, *opts, pool);
  if (!session.ok()) return fail(session.error());
  runtime::Session& s = **session;

  const bool tty = isatty(STDOUT_FILENO);
  const char* dim = tty ? "\033[2m" : "";
  const char* plain = tty ? "\033[0m" : "";
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});
  std::vector<int32_t> history;  // tokens currently in the KV cache
  std::fprintf(stderr, "onboard chat: %s loaded in %.2f s. Empty line or /exit quits, /reset starts over.\n",
               mf.model.c_str(), lm.load_seconds);

  std::string line;
  while (true) {
    std::printf("%s> ", tty ? "\n" : "");
    std::fflush(stdout);
    if (!std::getline(std::cin, line) || line.empty() || line == "/exit") break;
    if (line == "/reset") {
      messages = nlohmann::ordered_json::array();
      if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});
      history.clear();
      s.reset();
      continue;
    }
    messages.push_back({{"role", "user"}, {"content", line}});
    auto rendered = runtime::render_chat(lm, messages, tmpl);
    if (!rendered.ok()) return fail(rendered.error());
    const auto prompt = lm.tokenizer.encode(*rendered, {.add_bos = false, .parse_special = true});
    size_t keep = 0;
    while (keep < prompt.size() && keep < history.size() && prompt[keep] == history[keep]) ++keep;
    if (keep == prompt.size()) --keep;  // at least one token is fed, to get fresh logits
    if (auto st = s.rewind(static_cast<int64_t>(keep)); !st.ok()) return fail(st.error());
    history.assign(prompt.begin(), prompt.begin() + keep);
    std::vector<int32_t> fresh(prompt.begin() + keep, prompt.end());
    if (auto st = s.prefill(fresh); !st.ok()) return fail(st.error());
    history.insert(history.end(), fresh.begin(), fresh.end());

    // The R1 templates end the generation prompt with "<think>\n": output starts in reasoning.
    const bool prefilled_think = rendered->size() >= 8 && rendered->compare(rendered->size() - 8, 8, "<think>\n") == 0;
    OutputParser parser({.starts_in_reasoning = prefilled_think, .parse_tool_calls = true});
    text::StreamingDetokenizer detok(lm.tokenizer, /*skip_special=*/false);
    std::string answer;
    bool in_reasoning = false;
    auto show = [&](const std::vector<OutputEvent>& events) {
      for (const auto& e : events) {
        if (e.type == OutputEventType::kReasoning) {
          if (!in_reasoning) std::printf("%sThinking: ", dim);
          in_reasoning = true;
          std::printf("%s", e.text.c_str());
        } else {
          if (in_reasoning) std::printf("%s\n\n", plain);
          in_reasoning = false;
          if (e.type == OutputEventType::kContent) {
            std::printf("%s", e.text.c_str());
            answer += e.text;
          } else if (e.type == OutputEventType::kToolCall) {
            std::printf("[tool call %s %s]\n", e.tool_call.name.c_str(), e.tool_call.arguments.dump().c_str());
          } else {
            std::printf("[malformed tool call: %s]\n", e.text.c_str());
          }
        }
      }
      std::fflush(stdout);
    };
    auto r = s.generate(n_predict, [&](int32_t tok, const float*) {
      history.push_back(tok);
      if (!s.is_end_of_generation(tok)) show(parser.feed(detok.push(tok)));
      return true;
    });
    if (!r.ok()) return fail(r.error());
    show(parser.feed(detok.flush()));
    show(parser.finish());
    if (in_reasoning) std::printf("%s", plain);
    std::printf("\n");
    std::fprintf(stderr, "[%zu tokens, %.1f tok/s]\n", r->tokens.size(),
                 r->tokens.size() / std::max(r->generate_seconds, 1e-9));
    messages.push_back({{"role", "assistant"}, {"content", answer}});
  }
  return 0;
}

}  // namespace onboard::cli
