#include "gateway/gateway.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "gateway/redaction.h"
#include "gateway/request_classifier.h"

namespace onboard::gateway {
namespace {

using ojson = nlohmann::ordered_json;
using server::RouteOutcome;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

RouteOutcome json_answer(int status, const ojson& body) {
  RouteOutcome out;
  out.answered = true;
  out.status = status;
  out.body = dump(body);
  return out;
}

RouteOutcome error_answer(int status, const std::string& message, const std::string& code) {
  return json_answer(status, ojson{{"error", {{"message", message}, {"type", "invalid_request_error"}, {"param", nullptr},
                                               {"code", code}}}});
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string join_ids(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

// The outbound copy of a request: gateway fields removed, text redacted, the upstream's model.
// `forbidden` collects payloads that must not leave (image and, unless allowed, audio data).
ojson outbound_body(const ojson& body, Reidentifier& table, const std::string& model, std::vector<std::string>& forbidden,
                    bool audio_allowed) {
  ojson out = body;
  out.erase("onboard");
  if (!model.empty()) out["model"] = model;
  auto redact_string = [&](ojson& v) {
    if (v.is_string()) v = table.redact(v.get<std::string>());
  };
  if (out.contains("prompt")) redact_string(out["prompt"]);
  if (out.contains("messages") && out["messages"].is_array()) {
    for (ojson& m : out["messages"]) {
      if (!m.is_object()) continue;
      m.erase("onboard_tags");
      if (m.contains("name")) redact_string(m["name"]);
      if (!m.contains("content")) continue;
      ojson& content = m["content"];
      if (content.is_string()) {
        redact_string(content);
        continue;
      }
      if (!content.is_array()) continue;
      for (ojson& part : content) {
        if (!part.is_object()) continue;
        part.erase("onboard_tag");
        const std::string type = part.value("type", "");
        if (type == "text" && part.contains("text")) {
          redact_string(part["text"]);
        } else if (type != "input_audio" || !audio_allowed) {
          // Media that may not leave: every string in it is a payload the egress must not see.
          for (const auto& leaf : part.flatten().items())
            if (leaf.value().is_string() && leaf.value().get<std::string>().size() >= 16)
              forbidden.push_back(leaf.value().get<std::string>());
        }
      }
    }
  }
  return out;
}

// Restores identifiers in an upstream chat/completion answer (non-streamed).
bool restore_answer(ojson& answer, const Reidentifier& table) {
  if (!answer.is_object() || !answer.contains("choices") || !answer["choices"].is_array()) return false;
  auto restore = [&](ojson& v) {
    if (v.is_string()) v = table.restore(v.get<std::string>());
  };
  for (ojson& c : answer["choices"]) {
    if (!c.is_object()) continue;
    if (c.contains("text")) restore(c["text"]);
    if (c.contains("message") && c["message"].is_object()) {
      ojson& m = c["message"];
      if (m.contains("content")) restore(m["content"]);
      if (m.contains("reasoning_content")) restore(m["reasoning_content"]);
      if (m.contains("tool_calls") && m["tool_calls"].is_array())
        for (ojson& t : m["tool_calls"])
          if (t.is_object() && t.contains("function") && t["function"].is_object() && t["function"].contains("arguments"))
            restore(t["function"]["arguments"]);
    }
  }
  return true;
}

// Restores a streamed (SSE) upstream answer chunk by chunk: each choice's text fields run
// through their own StreamRestorer, so a placeholder split over chunks comes back whole.
bool restore_stream(const std::string& sse, const Reidentifier& table, std::string& out) {
  std::map<std::string, std::unique_ptr<StreamRestorer>> restorers;  // "index/field"
  auto restorer = [&](const std::string& key) -> StreamRestorer& {
    auto& r = restorers[key];
    if (!r) r = std::make_unique<StreamRestorer>(table);
    return *r;
  };
  size_t at = 0;
  bool any = false;
  while (at < sse.size()) {
    size_t nl = sse.find('\n', at);
    if (nl == std::string::npos) nl = sse.size();
    std::string line = sse.substr(at, nl - at);
    at = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("data:", 0) != 0) continue;
    std::string data = line.substr(5);
    if (!data.empty() && data.front() == ' ') data.erase(0, 1);
    if (data == "[DONE]") {
      out += "data: [DONE]\n\n";
      continue;
    }
    ojson chunk = ojson::parse(data, nullptr, false);
    if (chunk.is_discarded()) return false;
    any = true;
    if (chunk.contains("choices") && chunk["choices"].is_array()) {
      for (ojson& c : chunk["choices"]) {
        if (!c.is_object()) continue;
        const std::string idx = std::to_string(c.value("index", 0));
        const bool last = c.contains("finish_reason") && !c["finish_reason"].is_null();
        auto pass = [&](ojson& v, const std::string& field) {
          StreamRestorer& r = restorer(idx + "/" + field);
          std::string text = v.is_string() ? r.push(v.get<std::string>()) : std::string();
          if (last) text += r.finish();
          if (v.is_string() || !text.empty()) v = text;
        };
        if (c.contains("text")) pass(c["text"], "text");
        if (c.contains("delta") && c["delta"].is_object()) {
          ojson& d = c["delta"];
          for (const char* field : {"content", "reasoning_content"})
            if (d.contains(field) || (last && restorers.count(idx + "/" + field))) pass(d[field], field);
        }
      }
    }
    out += "data: " + dump(chunk) + "\n\n";
  }
  return any;
}

}  // namespace

Expected<std::unique_ptr<Gateway>> Gateway::create(GatewayOptions options) {
  std::unique_ptr<Gateway> g(new Gateway());
  std::error_code ec;
  std::filesystem::create_directories(options.state_dir, ec);
  if (ec) return make_error(ErrorCode::kIo, options.state_dir + ": cannot create the gateway state folder: " + ec.message());
  auto consent = ConsentStore::open(options.state_dir + "/consent.db", options.policy.max_consent_seconds, options.clock);
  if (!consent.ok()) return consent.error();
  auto audit = AuditLog::open(options.state_dir + "/audit.db");
  if (!audit.ok()) return audit.error();
  g->consent_ = std::move(*consent);
  g->audit_ = std::move(*audit);
  g->breaker_ = std::make_unique<CircuitBreaker>(options.policy.breaker_failures,
                                                 std::chrono::milliseconds(options.policy.breaker_cooldown_ms));
  g->options_ = std::move(options);
  return g;
}

RouteOutcome Gateway::local(const ojson& body, Headers headers) const {
  RouteOutcome out;
  out.headers = std::move(headers);
  const std::string model = body.is_object() && body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>() : "";
  out.use_default_model = !model.empty() && !contains(options_.local_model_ids, model);
  return out;
}

RouteOutcome Gateway::route(bool chat, const std::string& raw, const HeaderLookup& header) {
  const ojson body = ojson::parse(raw, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return RouteOutcome{};  // the protocol parser explains it
  auto cls = classify(body, header("X-Onboard-Data-Tags"));
  if (!cls.ok()) return error_answer(400, cls.error().message, "invalid_data_tags");
  const PrivacyPolicy& policy = options_.policy;

  // Does the request warrant the cloud? (Local is the default.)
  const std::string model = body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>() : "";
  RequestFacts facts = cls->facts;
  if (cls->route == "upstream" || contains(policy.upstream_models, model) ||
      (!cls->reasoning_effort.empty() && contains(policy.upstream_reasoning_efforts, cls->reasoning_effort)) ||
      static_cast<int64_t>(cls->prompt_chars) >= policy.min_prompt_chars)
    facts.wants_upstream = cls->route != "local" && !policy.endpoints.empty();

  ConsentLookup lookup = [this](Category c, const std::string& purpose) -> std::optional<int64_t> {
    auto a = consent_->active(c, purpose);  // checked before every request; a store error counts as no consent
    if (!a.ok() || !a->has_value()) return std::nullopt;
    return (*a)->id;
  };
  const Verdict v = decide(policy, facts, lookup);
  std::string tags = facts.categories.names();
  if (!facts.summaries.empty()) tags += ";summary:" + facts.summaries.names();

  AuditEntry entry;
  entry.event = "route";
  entry.tags = tags;
  entry.identifiers = cls->identifier_names();
  entry.rule = v.rule;
  entry.destination = v.upstream ? v.endpoint->name + "@" + v.endpoint->region : "local";
  entry.consent_ids = join_ids(v.consent_ids);
  entry.bytes_in = static_cast<int64_t>(raw.size());
  entry.in_sha256 = sha256_hex(raw);
  entry.detail = v.reason;
  const Status logged = audit_->append(entry);
  // No decision without its record (R11): if the log cannot be written, nothing leaves.
  if (!v.upstream || !logged.ok())
    return local(body, {{"X-Onboard-Route", "local"}, {"X-Onboard-Rule", logged.ok() ? v.rule : "R11"}});

  auto fallback = [&](const std::string& why, const std::string& event) {
    AuditEntry f = entry;
    f.event = event;
    f.detail = why;
    (void)audit_->append(f);
    return local(body, {{"X-Onboard-Route", "local-fallback"}, {"X-Onboard-Fallback", why}, {"X-Onboard-Rule", v.rule}});
  };
  if (!breaker_->allow()) return fallback("circuit-open", "fallback");

  Reidentifier table(v.keep_precise_location ? -1 : policy.location_decimals);
  EgressGuard guard;
  guard.audio_allowed = v.audio_may_leave;
  guard.precise_location_allowed = v.keep_precise_location;
  const std::string upstream_model = contains(policy.upstream_models, model) ? model : v.endpoint->model;
  const std::string out = dump(outbound_body(body, table, upstream_model, guard.forbidden, v.audio_may_leave));
  for (std::string& o : table.originals()) guard.forbidden.push_back(std::move(o));

  int64_t timeout_ms = policy.timeout_ms;
  if (const std::string d = header("X-Onboard-Deadline-Ms"); !d.empty()) {
    const int64_t deadline = std::strtoll(d.c_str(), nullptr, 10);
    // Half the deadline for the upstream, the rest for a local answer if it fails.
    if (deadline > 0) timeout_ms = std::min(timeout_ms, std::max<int64_t>(deadline / 2, 1));
  }
  auto reply = egress_.post(*v.endpoint, chat ? "/chat/completions" : "/completions", out, guard, timeout_ms);
  if (!reply.ok()) {
    if (reply.error().code == ErrorCode::kInvalidArgument) return fallback("egress-refused", "egress_refused");
    breaker_->record_failure();
    return fallback(reply.error().code == ErrorCode::kCancelled ? "upstream-timeout" : "upstream-error", "fallback");
  }
  if (reply->status < 200 || reply->status >= 300) {
    breaker_->record_failure();
    return fallback("upstream-status-" + std::to_string(reply->status), "fallback");
  }
  RouteOutcome answer;
  answer.answered = true;
  const bool stream = body.value("stream", false);
  if (stream) {
    answer.content_type = "text/event-stream";
    if (!restore_stream(reply->body, table, answer.body)) {
      breaker_->record_failure();
      return fallback("upstream-bad-answer", "fallback");
    }
  } else {
    ojson a = ojson::parse(reply->body, nullptr, false);
    if (a.is_discarded() || !restore_answer(a, table)) {
      breaker_->record_failure();
      return fallback("upstream-bad-answer", "fallback");
    }
    answer.body = dump(a);
  }
  breaker_->record_success();
  AuditEntry sent = entry;
  sent.event = "upstream";
  sent.bytes_out = static_cast<int64_t>(out.size());
  sent.out_sha256 = sha256_hex(out);
  sent.bytes_in = static_cast<int64_t>(reply->body.size());
  sent.in_sha256 = sha256_hex(reply->body);
  sent.detail = "answered by " + v.endpoint->name;
  (void)audit_->append(sent);
  answer.headers = {{"X-Onboard-Route", "upstream"}, {"X-Onboard-Destination", v.endpoint->name}, {"X-Onboard-Rule", v.rule}};
  return answer;
}

RouteOutcome Gateway::admin(const std::string& method, const std::string& path, const std::string& raw) {
  AuditEntry e;
  e.destination = "local";
  if (path == "consent" && method == "POST") {
    const ojson body = ojson::parse(raw, nullptr, false);
    if (!body.is_object()) return error_answer(400, "consent: the body must be a JSON object", "invalid_consent");
    if (!body.contains("category") || !body["category"].is_string())
      return error_answer(400, "consent: 'category' (a data category name) is required", "invalid_consent");
    auto c = parse_category(body["category"].get<std::string>());
    if (!c) return error_answer(400, "consent: '" + body["category"].get<std::string>() + "' is not a data category", "invalid_consent");
    if (!body.contains("duration_s") || !body["duration_s"].is_number_integer())
      return error_answer(400, "consent: 'duration_s' (whole seconds; consent always expires) is required", "invalid_consent");
    ConsentGrant g{*c, body["duration_s"].get<int64_t>(), body.value("persistent", false), body.value("purpose", "")};
    auto id = consent_->grant(g);
    if (!id.ok()) return error_answer(400, id.error().message, "invalid_consent");
    e.event = "consent_grant";
    e.tags = std::string(category_name(*c));
    e.consent_ids = std::to_string(*id);
    e.rule = "R3";
    e.detail = "duration_s=" + std::to_string(g.duration_s) + (g.persistent ? " persistent" : "") +
               (g.purpose.empty() ? "" : " purpose=" + g.purpose);
    (void)audit_->append(e);
    return json_answer(200, ojson{{"id", *id}, {"category", category_name(*c)}, {"duration_s", g.duration_s}});
  }
  if (path.rfind("consent/", 0) == 0 && method == "DELETE") {
    auto c = parse_category(path.substr(8));
    if (!c) return error_answer(400, "consent: '" + path.substr(8) + "' is not a data category", "invalid_consent");
    auto n = consent_->revoke(*c);
    if (!n.ok()) return error_answer(500, n.error().message, "consent_store");
    e.event = "consent_revoke";
    e.tags = std::string(category_name(*c));
    e.rule = "R3";
    (void)audit_->append(e);
    return json_answer(200, ojson{{"revoked", *n}});
  }
  if (path == "consent" && method == "GET") {
    auto list = consent_->list_active();
    if (!list.ok()) return error_answer(500, list.error().message, "consent_store");
    ojson data = ojson::array();
    for (const auto& r : *list)
      data.push_back({{"id", r.id}, {"category", category_name(r.category)}, {"purpose", r.purpose},
                      {"expires_at", r.expires_at}, {"persistent", r.persistent}});
    return json_answer(200, ojson{{"data", data}});
  }
  if (path == "ignition" && method == "POST") {
    if (Status st = consent_->ignition(); !st.ok()) return error_answer(500, st.error().message, "consent_store");
    e.event = "ignition";
    e.rule = "R3";
    (void)audit_->append(e);
    return json_answer(200, ojson{{"ignition", true}});
  }
  if (path == "delete-all" && method == "POST") {
    // R10: local personal data goes now (consents; placeholder tables live only per request);
    // the log records the deletion and that cloud copies are due within 10 working days.
    auto n = consent_->delete_all();
    if (!n.ok()) return error_answer(500, n.error().message, "consent_store");
    e.event = "deletion";
    e.rule = "R10";
    std::string clouds;
    for (const auto& ep : options_.policy.endpoints) clouds += (clouds.empty() ? "" : ",") + ep.name;
    e.detail = "local consent records deleted: " + std::to_string(*n) + "; cloud copies due within 10 working days at: " +
               (clouds.empty() ? "(none)" : clouds);
    (void)audit_->append(e);
    return json_answer(200, ojson{{"deleted_local_records", *n}, {"cloud_deletion_due_working_days", 10}});
  }
  return error_answer(404, "no gateway route " + method + " /v1/gateway/" + path, "not_found");
}

}  // namespace onboard::gateway
