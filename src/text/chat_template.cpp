#include "text/chat_template.h"

#include <new>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/lexer.h"
#include "text/jinja/parser.h"
#include "text/jinja/value.h"

namespace onboard {

struct ChatTemplate::Impl {
  std::string source;
  std::vector<jinja::NodePtr> program;
};

namespace {

Error to_error(const std::string& source, const jinja::JinjaError& e, const char* phase) {
  std::string msg = std::string("chat template ") + phase + " error: " + e.message;
  if (e.pos != jinja::kNoPos) msg += " (at " + jinja::describe_position(source, e.pos) + ")";
  return make_error(e.limit ? ErrorCode::kOutOfRange : ErrorCode::kInvalidArgument, std::move(msg));
}

}  // namespace

Expected<ChatTemplate> ChatTemplate::parse(std::string source) {
  auto impl = std::make_shared<Impl>();
  impl->source = std::move(source);
  if (impl->source.size() > (64u << 20)) return make_error(ErrorCode::kOutOfRange, "chat template larger than 64 MiB");
  try {
    const auto tokens = jinja::tokenize(impl->source);
    impl->program = jinja::parse(tokens, static_cast<uint32_t>(impl->source.size()));
  } catch (const jinja::JinjaError& e) {
    return to_error(impl->source, e, "syntax");
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kOutOfRange, "chat template syntax error: out of memory");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("chat template syntax error: ") + e.what());
  }
  return ChatTemplate(std::move(impl));
}

const std::string& ChatTemplate::source() const { return impl_->source; }

template <typename J>
Expected<std::string> ChatTemplate::render_impl(const J& context) const {
  if (!context.is_object() && !context.is_null())
    return make_error(ErrorCode::kInvalidArgument, "chat template render: the context must be a JSON object");
  try {
    jinja::Env env;
    jinja::Interpreter::setup_globals(env);
    if (context.is_object()) {
      for (auto it = context.begin(); it != context.end(); ++it) {
        if (env.has_local(it.key()))
          return make_error(ErrorCode::kInvalidArgument, "chat template render error: Variable already declared: " + it.key());
        env.set(it.key(), jinja::from_json(it.value()));
      }
    }
    jinja::Interpreter interp;
    return interp.render(impl_->program, env);
  } catch (const jinja::JinjaError& e) {
    return to_error(impl_->source, e, "render");
  } catch (const jinja::BreakSignal&) {
    return make_error(ErrorCode::kInvalidArgument, "chat template render error: 'break' outside of a loop");
  } catch (const jinja::ContinueSignal&) {
    return make_error(ErrorCode::kInvalidArgument, "chat template render error: 'continue' outside of a loop");
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kOutOfRange, "chat template render error: out of memory");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("chat template render error: ") + e.what());
  }
}

Expected<std::string> ChatTemplate::render(const nlohmann::json& context) const { return render_impl(context); }
Expected<std::string> ChatTemplate::render(const nlohmann::ordered_json& context) const { return render_impl(context); }

namespace {

template <typename J>
Expected<std::string> apply_impl(const ChatTemplate& tmpl, const J& messages, bool add_generation_prompt,
                                 const std::string& bos_token, const std::string& eos_token, const J& tools,
                                 const J& extra) {
  if (!messages.is_array()) return make_error(ErrorCode::kInvalidArgument, "apply_chat_template: messages must be a JSON array");
  if (!extra.is_null() && !extra.is_object())
    return make_error(ErrorCode::kInvalidArgument, "apply_chat_template: extra must be a JSON object or null");
  J ctx = J::object();
  ctx["messages"] = messages;
  ctx["add_generation_prompt"] = add_generation_prompt;
  ctx["bos_token"] = bos_token;
  ctx["eos_token"] = eos_token;
  if (!tools.is_null()) ctx["tools"] = tools;
  if (extra.is_object())
    for (auto it = extra.begin(); it != extra.end(); ++it) ctx[it.key()] = it.value();
  return tmpl.render(ctx);
}

}  // namespace

Expected<std::string> apply_chat_template(const ChatTemplate& tmpl, const nlohmann::json& messages,
                                          bool add_generation_prompt, const std::string& bos_token,
                                          const std::string& eos_token, const nlohmann::json& tools,
                                          const nlohmann::json& extra) {
  return apply_impl(tmpl, messages, add_generation_prompt, bos_token, eos_token, tools, extra);
}

Expected<std::string> apply_chat_template(const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                                          bool add_generation_prompt, const std::string& bos_token,
                                          const std::string& eos_token, const nlohmann::ordered_json& tools,
                                          const nlohmann::ordered_json& extra) {
  return apply_impl(tmpl, messages, add_generation_prompt, bos_token, eos_token, tools, extra);
}

}  // namespace onboard
