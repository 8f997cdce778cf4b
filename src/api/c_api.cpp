// The C ABI over the runtime. Every entry point catches everything: no exception crosses.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <thread>

#include "api/c_api_errors.h"
#include "onboard/onboard.h"
#include "runtime/chat_prompt.h"
#include "runtime/grammar/grammar_source.h"
#include "runtime/loaded_model.h"
#include "runtime/session.h"
#include "text/detokenizer.h"

struct onboard_model {
  std::unique_ptr<onboard::runtime::LoadedModel> loaded;
};

struct onboard_session {
  onboard_model* model = nullptr;
  std::unique_ptr<onboard::ThreadPool> pool;
  std::unique_ptr<onboard::runtime::Session> session;
  std::atomic<bool> cancel{false};
};

namespace onboard::api {
namespace {
thread_local std::string g_last_error;
}  // namespace

onboard_status to_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::kInvalidArgument: return ONBOARD_ERR_INVALID_ARGUMENT;
    case ErrorCode::kNotFound: return ONBOARD_ERR_NOT_FOUND;
    case ErrorCode::kCorrupt: return ONBOARD_ERR_CORRUPT;
    case ErrorCode::kUnsupported: return ONBOARD_ERR_UNSUPPORTED;
    case ErrorCode::kOutOfRange: return ONBOARD_ERR_OUT_OF_RANGE;
    case ErrorCode::kIo: return ONBOARD_ERR_IO;
    case ErrorCode::kCancelled: return ONBOARD_ERR_CANCELLED;
    default: return ONBOARD_ERR_INTERNAL;
  }
}

void clear_last_error() { g_last_error.clear(); }

onboard_status fail(onboard_status s, std::string message) {
  g_last_error = std::move(message);
  return s;
}

const char* last_error() { return g_last_error.c_str(); }

}  // namespace onboard::api

namespace {

using onboard::api::fail;
using onboard::api::guarded;

onboard_status run_generation(onboard_session* s, const std::vector<int32_t>& prompt, int32_t max_tokens,
                              onboard_token_callback cb, void* user) {
  s->cancel.store(false);
  if (auto st = s->session->prefill(prompt); !st.ok()) return fail(st.error());
  onboard::text::StreamingDetokenizer detok(s->model->loaded->tokenizer, /*skip_special=*/true);
  auto r = s->session->generate(max_tokens, [&](int32_t tok, const float*) {
    if (!cb) return true;
    const std::string text = detok.push(tok);
    return cb(user, tok, text.data(), text.size()) != 0;
  }, &s->cancel);
  if (!r.ok()) return fail(r.error());
  if (cb) {
    const std::string rest = detok.flush();
    if (!rest.empty()) cb(user, -1, rest.data(), rest.size());
  }
  if (r->stop == onboard::runtime::StopReason::kCancelled) return fail(ONBOARD_ERR_CANCELLED, "generation cancelled");
  return ONBOARD_OK;
}

}  // namespace

namespace {

template <typename Compile>
onboard_status set_constraint(onboard_session* s, const char* text, const char* fn, Compile compile) {
  return guarded([&] {
    if (!s) return fail(ONBOARD_ERR_INVALID_ARGUMENT, std::string(fn) + ": session is required");
    if (!text) {
      s->session->set_grammar(nullptr);
      return ONBOARD_OK;
    }
    auto g = compile(text);
    if (!g.ok()) return fail(g.error());
    s->session->set_grammar(std::move(*g));
    return ONBOARD_OK;
  });
}

}  // namespace

extern "C" {

const char* onboard_last_error(void) { return onboard::api::last_error(); }

const char* onboard_status_name(onboard_status s) {
  switch (s) {
    case ONBOARD_OK: return "ok";
    case ONBOARD_ERR_INVALID_ARGUMENT: return "invalid argument";
    case ONBOARD_ERR_NOT_FOUND: return "not found";
    case ONBOARD_ERR_CORRUPT: return "corrupt";
    case ONBOARD_ERR_UNSUPPORTED: return "unsupported";
    case ONBOARD_ERR_OUT_OF_RANGE: return "out of range";
    case ONBOARD_ERR_IO: return "i/o error";
    case ONBOARD_ERR_CANCELLED: return "cancelled";
    default: return "internal error";
  }
}

onboard_status onboard_model_load(const char* path, onboard_model** out) {
  return guarded([&] {
    if (!path || !out) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_model_load: path and out_model are required");
    *out = nullptr;
    auto loaded = onboard::runtime::load(path);
    if (!loaded.ok()) return fail(loaded.error());
    auto m = std::make_unique<onboard_model>();
    m->loaded = std::move(*loaded);
    *out = m.release();
    return ONBOARD_OK;
  });
}

void onboard_model_free(onboard_model* model) { std::unique_ptr<onboard_model> owned(model); }

int32_t onboard_model_n_vocab(const onboard_model* m) { return m ? static_cast<int32_t>(m->loaded->model->config().n_vocab) : 0; }
int32_t onboard_model_eos(const onboard_model* m) { return m ? m->loaded->tokenizer.eos_id() : -1; }

onboard_status onboard_tokenize(const onboard_model* m, const char* text, int add_bos, int32_t* ids, size_t capacity,
                                size_t* n_ids) {
  return guarded([&] {
    if (!m || !text || !n_ids) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_tokenize: model, text and n_ids are required");
    const auto& tok = m->loaded->tokenizer;
    const auto v = tok.encode(text, {.add_bos = add_bos != 0 && tok.add_bos(), .parse_special = true});
    *n_ids = v.size();
    if (v.size() > capacity || (!ids && !v.empty()))
      return fail(ONBOARD_ERR_OUT_OF_RANGE, "onboard_tokenize: " + std::to_string(v.size()) + " ids do not fit capacity " + std::to_string(capacity));
    std::copy(v.begin(), v.end(), ids);
    return ONBOARD_OK;
  });
}

onboard_status onboard_detokenize(const onboard_model* m, const int32_t* ids, size_t n_ids, char* buf, size_t capacity,
                                  size_t* len) {
  return guarded([&] {
    if (!m || (!ids && n_ids) || !len) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_detokenize: model, ids and len are required");
    const auto& tok = m->loaded->tokenizer;
    for (size_t i = 0; i < n_ids; ++i)
      if (ids[i] < 0 || ids[i] >= tok.n_vocab())
        return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_detokenize: id " + std::to_string(ids[i]) + " at index " + std::to_string(i) + " is outside the vocabulary");
    const std::string s = tok.decode(std::span<const int32_t>(ids, n_ids));
    *len = s.size();
    if (!buf || s.size() + 1 > capacity)
      return fail(ONBOARD_ERR_OUT_OF_RANGE, "onboard_detokenize: " + std::to_string(s.size() + 1) + " bytes needed, capacity " + std::to_string(capacity));
    std::memcpy(buf, s.c_str(), s.size() + 1);
    return ONBOARD_OK;
  });
}

onboard_session_params onboard_session_default_params(void) {
  onboard_session_params p{};
  p.n_ctx = 4096;
  p.n_threads = 0;
  p.kv_f16 = 1;
  p.temperature = 0.6f;
  p.top_p = 0.95f;
  p.top_k = 0;
  p.min_p = 0.0f;
  p.repetition_penalty = 1.0f;
  p.seed = 0;
  return p;
}

onboard_status onboard_session_create(onboard_model* m, const onboard_session_params* params, onboard_session** out) {
  return guarded([&] {
    if (!m || !out) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_session_create: model and out_session are required");
    *out = nullptr;
    const onboard_session_params p = params ? *params : onboard_session_default_params();
    if (p.n_ctx <= 0) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_session_create: n_ctx must be positive");
    onboard::runtime::SessionOptions o;
    o.state.n_ctx = p.n_ctx;
    o.state.n_threads = p.n_threads > 0 ? p.n_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    o.state.kv_type = p.kv_f16 ? onboard::GgmlType::F16 : onboard::GgmlType::F32;
    o.sampling.temperature = p.temperature;
    o.sampling.top_p = p.top_p;
    o.sampling.top_k = p.top_k;
    o.sampling.min_p = p.min_p;
    o.sampling.repetition_penalty = p.repetition_penalty;
    o.sampling.seed = p.seed;
    auto s = std::make_unique<onboard_session>();
    s->model = m;
    s->pool = std::make_unique<onboard::ThreadPool>(o.state.n_threads);
    auto sess = onboard::runtime::Session::create(*m->loaded->model, m->loaded->tokenizer, o, *s->pool);
    if (!sess.ok()) return fail(sess.error());
    s->session = std::move(*sess);
    *out = s.release();
    return ONBOARD_OK;
  });
}

void onboard_session_free(onboard_session* s) { std::unique_ptr<onboard_session> owned(s); }
void onboard_session_reset(onboard_session* s) {
  if (s) s->session->reset();
}
void onboard_session_cancel(onboard_session* s) {
  if (s) s->cancel.store(true);
}

onboard_status onboard_session_set_grammar(onboard_session* s, const char* gbnf) {
  return set_constraint(s, gbnf, "onboard_session_set_grammar", onboard::runtime::grammar::grammar_from_gbnf);
}

onboard_status onboard_session_set_json_schema(onboard_session* s, const char* schema_json) {
  return set_constraint(s, schema_json, "onboard_session_set_json_schema", onboard::runtime::grammar::grammar_from_json_schema);
}

onboard_status onboard_chat(onboard_session* s, const char* user_message, int32_t max_tokens, onboard_token_callback cb,
                            void* user) {
  return guarded([&] {
    if (!s || !user_message) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_chat: session and user_message are required");
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    messages.push_back({{"role", "user"}, {"content", user_message}});
    auto tokens = onboard::runtime::chat_prompt_tokens(*s->model->loaded, messages);
    if (!tokens.ok()) return fail(tokens.error());
    return run_generation(s, *tokens, max_tokens, cb, user);
  });
}

onboard_status onboard_generate(onboard_session* s, const int32_t* prompt, size_t n_prompt, int32_t max_tokens,
                                onboard_token_callback cb, void* user) {
  return guarded([&] {
    if (!s || (!prompt && n_prompt)) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "onboard_generate: session and prompt are required");
    return run_generation(s, std::vector<int32_t>(prompt, prompt + n_prompt), max_tokens, cb, user);
  });
}

}  // extern "C"
