#include "server/http_server.h"

#include "runtime/recommended_sampling.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

#include "runtime/chat_prompt.h"
#include "server/client_connection.h"
#include "server/generation.h"
#include "server/metrics.h"
#include "server/openai_protocol.h"
#include "server/structured_output.h"
#include "text/tool_call_parser.h"

namespace onboard::server {
namespace {

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

void send_error(httplib::Response& res, const ApiError& e) {
  res.status = e.status;
  if (e.status == 429 || e.status == 503) res.set_header("Retry-After", "1");
  res.set_content(dump(error_body(e)), "application/json");
}

ApiError server_error(const std::string& message) {
  return ApiError{500, message, "server_error", "", "internal_error"};
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string new_id(const char* prefix) {
  static std::atomic<uint64_t> counter{0};
  const uint64_t n = counter.fetch_add(1) + 1;
  const uint64_t t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%llx%llx", prefix, static_cast<unsigned long long>(t & 0xffffffffffULL),
                static_cast<unsigned long long>(n));
  return buf;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// What one request's handler needs while its choices run.
struct RequestState {
  std::string id, model_id;
  int64_t created = 0;
  bool chat = true, include_usage = false;
  int n = 1;
  std::shared_ptr<Channel> channel = std::make_shared<Channel>();
  std::vector<std::shared_ptr<ChoiceTask>> tasks;
  std::vector<ChoiceResult> results;
  std::vector<int> tool_calls_sent;
  std::vector<std::vector<LogprobEntry>> stream_logprobs;  // per choice: not yet sent in a chunk
  Usage usage;
  int finished = 0;
  std::optional<ApiError> failure;  // the first choice that failed ends the request with it
  Priority priority = Priority::kInteractive;
  bool done = false;

  void cancel_all() {
    for (auto& t : tasks) t->cancel();
  }
};

}  // namespace

struct HttpServer::Impl {
  std::vector<std::unique_ptr<ServedModel>> models;
  ApiKeys keys;
  ServerOptions options;
  Metrics metrics;
  httplib::Server svr;
  bool bound = false;

  ServedModel* find_model(const std::string& id) {
    if (id.empty()) return models.front().get();
    for (auto& m : models)
      if (m->id() == id) return m.get();
    return nullptr;
  }

  void routes();
  void handle_completion(const httplib::Request& req, httplib::Response& res, Endpoint endpoint);
  // Prepares the request's choices; false (with `err`) when the request is refused.
  bool prepare(const httplib::Request& req, const CompletionRequest& cr, ServedModel& model, RequestState& st,
               ApiError& err);
  void apply_event(RequestState& st, ChoiceEvent& e, std::string* sse);
  // The request's class: the `priority` field, else the X-Onboard-Priority or Priority header,
  // else the API key's class, else interactive. A key's class is also the highest it may ask.
  bool resolve_priority(const httplib::Request& req, const CompletionRequest& cr, Priority& out, ApiError& err) const;
};

bool HttpServer::Impl::resolve_priority(const httplib::Request& req, const CompletionRequest& cr, Priority& out,
                                        ApiError& err) const {
  std::optional<Priority> asked = cr.priority;
  if (!asked && req.has_header("X-Onboard-Priority")) {
    asked = parse_priority(req.get_header_value("X-Onboard-Priority"));
    if (!asked) {
      err = bad_field("X-Onboard-Priority", "the X-Onboard-Priority header must be critical, interactive or background");
      return false;
    }
  }
  // "Priority" is also RFC 9218's header ("u=3, i"): only our class names are taken from it.
  if (!asked && req.has_header("Priority")) asked = parse_priority(req.get_header_value("Priority"));
  const ApiKeys::Key* key = keys.find(req.get_header_value("Authorization"));
  const std::optional<Priority> key_class = key ? key->priority : std::nullopt;
  out = asked.value_or(key_class.value_or(Priority::kInteractive));
  if (key_class && out > *key_class) {
    err = ApiError{403, std::string("this API key may send requests up to priority '") + priority_name(*key_class) +
                            "', not '" + priority_name(out) + "'",
                   "permission_error", "priority", "priority_not_allowed"};
    return false;
  }
  return true;
}

void HttpServer::Impl::routes() {
  svr.new_task_queue = [threads = options.http_threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.set_payload_max_length(options.max_body_bytes);
  // A slow or stalled client (slowloris) cannot hold an HTTP thread for longer than this
  // per read; idle keep-alive connections are closed as soon.
  svr.set_read_timeout(options.read_timeout_s, 0);
  svr.set_keep_alive_timeout(options.read_timeout_s);
  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/health" || !keys.enabled()) return httplib::Server::HandlerResponse::Unhandled;
    if (keys.authorize(req.get_header_value("Authorization"))) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, ApiError{401, "invalid or missing API key (Authorization: Bearer KEY)", "invalid_request_error", "",
                             "invalid_api_key"});
    return httplib::Server::HandlerResponse::Handled;
  });
  svr.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ApiError e;
    e.status = res.status;
    if (res.status == 413) {
      e.message = "the request body exceeds the limit of " + std::to_string(options.max_body_bytes) + " bytes";
      e.code = "request_too_large";
    } else if (res.status == 400) {
      e.message = "the HTTP request could not be read: malformed, or the client stalled for more than " +
                  std::to_string(options.read_timeout_s) + " s";
      e.code = "bad_http_request";
    } else if (res.status == 404) {
      e.message = "no route " + req.method + " " + req.path;
      e.code = "not_found";
    } else {
      e.message = "HTTP " + std::to_string(res.status);
    }
    send_error(res, e);
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(res, server_error(what));
  });

  svr.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    try {
      std::vector<ModelGauges> stats;
      for (auto& m : models)
        stats.push_back(ModelGauges{m->id(), m->scheduler().stats(), m->slot_contents().total_tokens(),
                                    m->n_ctx() * m->scheduler().n_slots()});
      res.set_content(metrics.render(stats), "text/plain; version=0.0.4");
    } catch (const std::exception& e) {
      send_error(res, server_error(e.what()));
    }
  });
  auto model_json = [](const ServedModel& m) {
    return ojson{{"id", m.id()}, {"object", "model"}, {"created", m.created()}, {"owned_by", "onboard"}};
  };
  svr.Get("/v1/models", [this, model_json](const httplib::Request&, httplib::Response& res) {
    try {
      ojson data = ojson::array();
      for (auto& m : models) data.push_back(model_json(*m));
      res.set_content(dump(ojson{{"object", "list"}, {"data", data}}), "application/json");
    } catch (const std::exception& e) {
      send_error(res, server_error(e.what()));
    }
  });
  svr.Get(R"(/v1/models/(.+))", [this, model_json](const httplib::Request& req, httplib::Response& res) {
    try {
      const std::string id = req.matches[1];
      ServedModel* m = find_model(id);
      if (!m || id.empty()) {
        send_error(res, ApiError{404, "the model '" + id + "' does not exist", "invalid_request_error", "model",
                                 "model_not_found"});
        return;
      }
      res.set_content(dump(model_json(*m)), "application/json");
    } catch (const std::exception& e) {
      send_error(res, server_error(e.what()));
    }
  });
  svr.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    handle_completion(req, res, Endpoint::kChat);
  });
  svr.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
    handle_completion(req, res, Endpoint::kCompletion);
  });
  if (options.router) {
    auto admin = [this](const httplib::Request& req, httplib::Response& res) {
      try {
        const RouteOutcome out = options.router->admin(req.method, req.matches[1], req.body);
        res.status = out.status;
        res.set_content(out.body, out.content_type);
      } catch (const std::exception& e) {
        send_error(res, server_error(e.what()));
      }
    };
    svr.Get(R"(/v1/gateway/(.+))", admin);
    svr.Post(R"(/v1/gateway/(.+))", admin);
    svr.Delete(R"(/v1/gateway/(.+))", admin);
  }
  for (const auto& install : options.extra_routes) install(svr);
}

bool HttpServer::Impl::prepare(const httplib::Request& req, const CompletionRequest& cr, ServedModel& model,
                               RequestState& st, ApiError& err) {
  const runtime::LoadedModel& lm = model.loaded();
  if (!resolve_priority(req, cr, st.priority, err)) return false;

  GenerationParams gp;
  int32_t banned_tool_call_open = -1;
  if (cr.endpoint == Endpoint::kChat) {
    auto rendered = runtime::render_chat(lm, cr.messages, model.options().chat_template, cr.tools);
    if (!rendered.ok()) {
      err = bad_field("messages", "the chat template cannot render these messages: " + rendered.error().message);
      return false;
    }
    gp.starts_in_reasoning = ends_with(*rendered, "<think>\n");
    gp.prompt = lm.tokenizer.encode(*rendered, {.add_bos = false, .parse_special = true});
    gp.parse_output = true;
    OutputConstraint oc;
    if (!build_output_constraint(cr, oc, err)) return false;
    gp.grammar = std::move(oc.grammar);
    gp.grammar_from_tool_calls = oc.from_tool_calls_marker;
    gp.parse_tool_calls = !oc.tool_calls_forbidden;
    if (oc.tool_calls_forbidden) {
      // Ban the block's opening token where the vocabulary has it as one token; spelled out in
      // pieces it can only come out as text, which is left as text.
      const auto open = lm.tokenizer.encode(std::string(kToolCallsBegin), {.add_bos = false, .parse_special = true});
      if (open.size() == 1) banned_tool_call_open = open[0];
    }
  } else {
    gp.prompt = runtime::raw_prompt_tokens(lm, cr.prompt);
    gp.parse_output = false;
  }
  const int64_t n_prompt = static_cast<int64_t>(gp.prompt.size());
  const int64_t n_ctx = model.n_ctx();
  if (n_prompt == 0) {
    err = bad_field(cr.endpoint == Endpoint::kChat ? "messages" : "prompt", "the prompt is empty");
    return false;
  }
  const int64_t max_tokens = cr.max_tokens ? *cr.max_tokens : n_ctx - n_prompt;
  if (n_prompt + std::max<int64_t>(max_tokens, 1) > n_ctx) {
    err = bad_field(cr.max_tokens ? "max_tokens" : (cr.endpoint == Endpoint::kChat ? "messages" : "prompt"),
                    "this model's maximum context length is " + std::to_string(n_ctx) + " tokens, but " +
                        std::to_string(n_prompt) + " prompt tokens + " + std::to_string(std::max<int64_t>(max_tokens, 1)) +
                        " completion tokens = " + std::to_string(n_prompt + std::max<int64_t>(max_tokens, 1)) +
                        " were requested");
    err.code = "context_length_exceeded";
    return false;
  }
  gp.max_tokens = max_tokens;
  gp.stop = cr.stop;
  gp.reasoning_budget = cr.reasoning_budget;

  // Sampling: the file's recommendation (else DeepSeek's), then the request's fields.
  const model::ModelConfig& c = lm.model->config();
  runtime::SamplerParams sp = runtime::recommended_sampling(c);
  if (cr.temperature) sp.temperature = *cr.temperature;
  if (cr.top_p) sp.top_p = *cr.top_p;
  if (cr.top_k) sp.top_k = *cr.top_k;
  if (cr.min_p) sp.min_p = *cr.min_p;
  if (cr.presence_penalty) sp.presence_penalty = *cr.presence_penalty;
  if (cr.frequency_penalty) sp.frequency_penalty = *cr.frequency_penalty;
  if (cr.repetition_penalty) sp.repetition_penalty = *cr.repetition_penalty;
  for (const auto& [id, bias] : cr.logit_bias) {
    if (id >= c.n_vocab) {
      err = bad_field("logit_bias", "token id " + std::to_string(id) + " in 'logit_bias' is not in this model's vocabulary of " +
                                        std::to_string(c.n_vocab) + " tokens");
      return false;
    }
    sp.logit_bias.emplace_back(id, bias);
  }
  if (banned_tool_call_open >= 0) sp.logit_bias.emplace_back(banned_tool_call_open, -100.0f);
  const uint64_t seed =
      cr.seed ? *cr.seed : static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());

  st.id = new_id(cr.endpoint == Endpoint::kChat ? "chatcmpl" : "cmpl");
  st.model_id = model.id();
  st.created = unix_now();
  st.chat = cr.endpoint == Endpoint::kChat;
  st.include_usage = cr.include_usage;
  st.n = cr.n;
  st.results.resize(static_cast<size_t>(cr.n));
  st.tool_calls_sent.assign(static_cast<size_t>(cr.n), 0);
  st.stream_logprobs.resize(static_cast<size_t>(cr.n));
  for (auto& r : st.results) r.with_logprobs = cr.top_logprobs >= 0;
  gp.top_logprobs = cr.top_logprobs;
  st.usage.prompt_tokens = n_prompt;
  const auto arrival = std::chrono::steady_clock::now();
  for (int i = 0; i < cr.n; ++i) {
    gp.sampling = sp;
    gp.sampling.seed = seed + static_cast<uint64_t>(i);
    st.tasks.push_back(std::make_shared<ChoiceTask>(model, st.channel, i, gp, st.priority, &metrics, arrival));
  }
  return true;
}

// Folds one event into the request state; with `sse`, appends the stream chunk(s) for it.
void HttpServer::Impl::apply_event(RequestState& st, ChoiceEvent& e, std::string* sse) {
  auto out = [&](const ojson& j) {
    if (sse) *sse += "data: " + dump(j) + "\n\n";
  };
  ChoiceResult& r = st.results[static_cast<size_t>(e.index)];
  // A stream chunk carries the logprobs of the tokens that arrived since the last chunk.
  auto chunk_logprobs = [&]() -> ojson {
    auto& pending = st.stream_logprobs[static_cast<size_t>(e.index)];
    if (!r.with_logprobs) return nullptr;
    ojson j = st.chat ? chat_logprobs_json(pending) : text_logprobs_json(pending, r.reasoning.size() + r.content.size());
    pending.clear();
    return j;
  };
  switch (e.kind) {
    case ChoiceEvent::Kind::kReasoning:
    case ChoiceEvent::Kind::kContent: {
      const bool reasoning = e.kind == ChoiceEvent::Kind::kReasoning;
      if (st.chat)
        out(chat_chunk_json(st.id, st.created, st.model_id, e.index,
                            ojson{{reasoning ? "reasoning_content" : "content", e.text}}, "", st.include_usage,
                            chunk_logprobs()));
      else
        out(text_chunk_json(st.id, st.created, st.model_id, e.index, e.text, "", st.include_usage, chunk_logprobs()));
      (reasoning ? r.reasoning : r.content) += e.text;
      break;
    }
    case ChoiceEvent::Kind::kLogprob:
      if (sse)
        st.stream_logprobs[static_cast<size_t>(e.index)].push_back(std::move(e.logprob));
      else
        r.logprobs.push_back(std::move(e.logprob));
      break;
    case ChoiceEvent::Kind::kToolCall: {
      const int k = st.tool_calls_sent[static_cast<size_t>(e.index)]++;
      if (st.chat) {
        const std::string call_id = st.id + "-call-" + std::to_string(e.index) + "-" + std::to_string(k);
        out(chat_chunk_json(st.id, st.created, st.model_id, e.index,
                            ojson{{"tool_calls", ojson::array({tool_call_json(e.tool_call, call_id, k)})}}, "",
                            st.include_usage));
      }
      r.tool_calls.push_back(std::move(e.tool_call));
      break;
    }
    case ChoiceEvent::Kind::kFinish: {
      if (e.finish_reason == "cancelled" || e.finish_reason == "expired") {
        ++st.finished;
        // A live request is cancelled only by the server stopping (a gone client reads nothing).
        ApiError f = e.finish_reason == "expired"
                         ? ApiError{503, e.text, "server_error", "", "deadline_exceeded"}
                         : ApiError{503, "the request was cancelled: the server is stopping", "server_error", "",
                                    "server_stopping"};
        out(error_body(f));
        if (!st.failure) st.failure = std::move(f);
        break;
      }
      r.finish_reason = e.finish_reason == "stop" && !r.tool_calls.empty() ? "tool_calls" : e.finish_reason;
      if (e.index == 0) st.usage.cached_tokens = e.cached_tokens;  // the prompt is shared by the choices
      st.usage.completion_tokens += e.completion_tokens;
      st.usage.reasoning_tokens += e.reasoning_tokens;
      ++st.finished;
      if (st.chat)
        out(chat_chunk_json(st.id, st.created, st.model_id, e.index, ojson::object(), r.finish_reason, st.include_usage,
                            chunk_logprobs()));
      else
        out(text_chunk_json(st.id, st.created, st.model_id, e.index, "", r.finish_reason, st.include_usage,
                            chunk_logprobs()));
      break;
    }
    case ChoiceEvent::Kind::kError:
      ++st.finished;
      out(error_body(server_error(e.text)));
      if (!st.failure) st.failure = server_error(e.text);
      break;
  }
}

void HttpServer::Impl::handle_completion(const httplib::Request& req, httplib::Response& res, Endpoint endpoint) {
  try {
    bool use_default_model = false;
    if (options.router) {  // the privacy gateway answers upstream, or lets the local model run
      RouteOutcome routed = options.router->route(endpoint == Endpoint::kChat, req.body,
                                                  [&req](const std::string& name) { return req.get_header_value(name); });
      for (const auto& [name, value] : routed.headers) res.set_header(name, value);
      if (routed.answered) {
        res.status = routed.status;
        res.set_content(routed.body, routed.content_type);
        return;
      }
      use_default_model = routed.use_default_model;
    }
    CompletionRequest cr;
    ApiError err;
    if (!parse_request(req.body, endpoint, cr, err)) {
      metrics.requests_error.fetch_add(1);
      send_error(res, err);
      return;
    }
    if (use_default_model) cr.model.clear();
    ServedModel* model = find_model(cr.model);
    if (!model) {
      metrics.requests_error.fetch_add(1);
      send_error(res, ApiError{404, "the model '" + cr.model + "' does not exist", "invalid_request_error", "model",
                               "model_not_found"});
      return;
    }
    auto st = std::make_shared<RequestState>();
    if (!prepare(req, cr, *model, *st, err)) {
      metrics.requests_error.fetch_add(1);
      send_error(res, err);
      return;
    }
    std::vector<std::shared_ptr<Sequence>> seqs(st->tasks.begin(), st->tasks.end());
    if (!model->scheduler().submit(std::move(seqs))) {
      metrics.requests_rejected.fetch_add(1);
      send_error(res, ApiError{429, "the server is at capacity (request queue full); retry later", "server_error", "",
                               "overloaded"});
      return;
    }
    metrics.prompt_tokens.fetch_add(st->usage.prompt_tokens * st->n);
    auto conn = std::make_shared<ClientConnection>(req.remote_addr, req.remote_port, req.local_port);
    auto client_gone = [this, st, conn] {
      if (!conn->gone()) return false;
      st->cancel_all();  // the slots are freed at the next step
      metrics.requests_cancelled.fetch_add(1);
      return true;
    };

    // Nothing is answered before the first event: until then the request may still be refused
    // (its start deadline passed), and that must be a status, not a broken stream.
    std::vector<ChoiceEvent> backlog;
    while (backlog.empty()) {
      if (client_gone()) return;
      st->channel->pop_all(backlog, std::chrono::milliseconds(50));
    }
    const bool refused = std::any_of(backlog.begin(), backlog.end(), [](const ChoiceEvent& e) {
      return e.kind == ChoiceEvent::Kind::kError ||
             (e.kind == ChoiceEvent::Kind::kFinish && (e.finish_reason == "expired" || e.finish_reason == "cancelled"));
    });

    if (!cr.stream || refused) {
      for (auto& e : backlog) apply_event(*st, e, nullptr);
      std::vector<ChoiceEvent> events;
      while (st->finished < st->n && !st->failure) {
        if (client_gone()) return;
        events.clear();
        st->channel->pop_all(events, std::chrono::milliseconds(50));
        for (auto& e : events) apply_event(*st, e, nullptr);
      }
      if (st->failure) {
        st->cancel_all();  // the other choices of a failed request
        (st->failure->code == "deadline_exceeded" ? metrics.requests_rejected : metrics.requests_error).fetch_add(1);
        send_error(res, *st->failure);
        return;
      }
      metrics.requests_ok.fetch_add(1);
      res.set_content(dump(st->chat ? chat_completion_json(st->id, st->created, st->model_id, st->results, st->usage)
                                    : text_completion_json(st->id, st->created, st->model_id, st->results, st->usage)),
                      "application/json");
      return;
    }

    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    auto pending = std::make_shared<std::vector<ChoiceEvent>>(std::move(backlog));
    auto started = std::make_shared<bool>(false);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, st, started, pending, conn](size_t, httplib::DataSink& sink) {
          try {
            std::string out;
            if (!*started) {
              *started = true;
              if (st->chat)
                for (int i = 0; i < st->n; ++i)
                  out += "data: " +
                         dump(chat_chunk_json(st->id, st->created, st->model_id, i,
                                              ojson{{"role", "assistant"}, {"content", ""}}, "", st->include_usage)) +
                         "\n\n";
            }
            std::vector<ChoiceEvent>& events = *pending;
            if (events.empty()) st->channel->pop_all(events, std::chrono::milliseconds(50));
            for (auto& e : events) apply_event(*st, e, &out);
            events.clear();
            const bool all_done = st->finished >= st->n;
            if (all_done) {
              if (st->include_usage)
                out += "data: " + dump(usage_chunk_json(st->id, st->created, st->model_id, st->chat, st->usage)) + "\n\n";
              out += "data: [DONE]\n\n";
            }
            // A quiet stream (paused for a critical request) still notices a client gone.
            if (out.empty() && conn->gone()) return false;
            if (!out.empty() && !sink.write(out.data(), out.size())) return false;
            if (all_done) {
              st->done = true;
              sink.done();
            }
            return true;
          } catch (...) {
            return false;
          }
        },
        [this, st](bool success) {
          if (!success || !st->done) {
            st->cancel_all();  // the client went away: free the slots at the next step
            metrics.requests_cancelled.fetch_add(1);
          } else if (!st->failure) {
            metrics.requests_ok.fetch_add(1);
          } else {
            metrics.requests_error.fetch_add(1);
          }
        });
  } catch (const std::exception& e) {
    metrics.requests_error.fetch_add(1);
    send_error(res, server_error(e.what()));
  } catch (...) {
    metrics.requests_error.fetch_add(1);
    send_error(res, server_error("internal error"));
  }
}

HttpServer::HttpServer(std::vector<std::unique_ptr<ServedModel>> models, ApiKeys keys, ServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->models = std::move(models);
  impl_->keys = std::move(keys);
  impl_->options = std::move(options);
}

HttpServer::~HttpServer() { stop(); }

Expected<int> HttpServer::bind() {
  try {
    if (impl_->models.empty()) return make_error(ErrorCode::kInvalidArgument, "no model to serve");
    impl_->routes();
    int port = impl_->options.port;
    if (port == 0) {
      port = impl_->svr.bind_to_any_port(impl_->options.host);
      if (port < 0) return make_error(ErrorCode::kIo, "cannot bind " + impl_->options.host + " to any port");
    } else if (!impl_->svr.bind_to_port(impl_->options.host, port)) {
      return make_error(ErrorCode::kIo, "cannot bind " + impl_->options.host + ":" + std::to_string(port) +
                                            " (in use, or not an address of this machine)");
    }
    impl_->bound = true;
    return port;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, e.what());
  }
}

Status HttpServer::listen() {
  if (!impl_->bound) return make_error(ErrorCode::kInvalidArgument, "listen() before bind()");
  try {
    if (!impl_->svr.listen_after_bind()) return make_error(ErrorCode::kIo, "the server socket failed");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, e.what());
  }
  return Status::Ok();
}

void HttpServer::stop() {
  if (!impl_) return;
  // Drop what runs first: the handlers waiting on it then answer, and the listener can end.
  for (auto& m : impl_->models) m->scheduler().stop();
  impl_->svr.stop();
}

}  // namespace onboard::server
