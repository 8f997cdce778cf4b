#include "gateway/privacy_policy.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace onboard::gateway {
namespace {

using json = nlohmann::json;

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

Error field_error(const std::string& source, const std::string& field, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, source + ": " + field + ": " + what);
}

// Reads an optional field of the expected JSON type into `out`.
template <typename T>
Status read_field(const json& obj, const char* key, T& out, const std::string& source, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return field_error(source, where + key, "has the wrong type (" + std::string(it->type_name()) + ")");
  }
  return Status::Ok();
}

Expected<CategoryRule> parse_rule(const json& j, const std::string& source, const std::string& where) {
  if (!j.is_object()) return field_error(source, where, "must be an object");
  CategoryRule r;
  std::vector<std::string> modes;
  ONBOARD_TRY(read_field(j, "local_only", r.local_only, source, where + "."));
  ONBOARD_TRY(read_field(j, "modes", modes, source, where + "."));
  ONBOARD_TRY(read_field(j, "consent", r.consent, source, where + "."));
  ONBOARD_TRY(read_field(j, "consent_exempt_if_requested", r.consent_exempt_if_requested, source, where + "."));
  ONBOARD_TRY(read_field(j, "purpose", r.purpose, source, where + "."));
  ONBOARD_TRY(read_field(j, "anonymiser_required", r.anonymiser_required, source, where + "."));
  ONBOARD_TRY(read_field(j, "rule", r.rule, source, where + "."));
  for (const auto& m : modes) {
    auto mode = parse_mode(m);
    if (!mode) return field_error(source, where + ".modes", "'" + m + "' is not public, private or on-device");
    if (*mode != IntegrationMode::kOnDevice) r.modes.push_back(*mode);
  }
  if (r.local_only && !r.modes.empty())
    return field_error(source, where, "a local_only category cannot list cloud modes");
  return r;
}

}  // namespace

std::optional<IntegrationMode> parse_mode(const std::string& s) {
  if (s == "public") return IntegrationMode::kPublic;
  if (s == "private") return IntegrationMode::kPrivate;
  if (s == "on-device") return IntegrationMode::kOnDevice;
  return std::nullopt;
}

Expected<PrivacyPolicy> PrivacyPolicy::parse(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return field_error(source, "(top level)", "must be an object");
  PrivacyPolicy p;
  // Every category not listed is on-device only: the file can only open doors, not forget to close them.
  for (auto& r : p.categories) r.rule = "R13";
  ONBOARD_TRY(read_field(j, "market", p.market, source, ""));
  ONBOARD_TRY(read_field(j, "allowed_regions", p.allowed_regions, source, ""));
  ONBOARD_TRY(read_field(j, "max_consent_seconds", p.max_consent_seconds, source, ""));
  ONBOARD_TRY(read_field(j, "summaries_may_leave", p.summaries_may_leave, source, ""));
  if (p.max_consent_seconds <= 0) return field_error(source, "max_consent_seconds", "must be positive (R3: consent expires)");
  if (auto loc = j.find("location"); loc != j.end()) {
    if (!loc->is_object()) return field_error(source, "location", "must be an object");
    ONBOARD_TRY(read_field(*loc, "decimals", p.location_decimals, source, "location."));
    ONBOARD_TRY(read_field(*loc, "precise_intents", p.precise_location_intents, source, "location."));
    if (p.location_decimals < 0 || p.location_decimals > 6) return field_error(source, "location.decimals", "must be 0..6");
  }
  if (auto cats = j.find("categories"); cats != j.end()) {
    if (!cats->is_object()) return field_error(source, "categories", "must be an object");
    for (const auto& [name, rule] : cats->items()) {
      auto c = parse_category(name);
      if (!c) return field_error(source, "categories." + name, "is not a data category of §3.4");
      auto r = parse_rule(rule, source, "categories." + name);
      if (!r.ok()) return r.error();
      if (r->rule.empty()) r->rule = "R13";
      p.categories[static_cast<size_t>(*c)] = std::move(*r);
    }
  }
  if (auto rt = j.find("routing"); rt != j.end()) {
    if (!rt->is_object()) return field_error(source, "routing", "must be an object");
    ONBOARD_TRY(read_field(*rt, "upstream_models", p.upstream_models, source, "routing."));
    ONBOARD_TRY(read_field(*rt, "min_prompt_chars", p.min_prompt_chars, source, "routing."));
    ONBOARD_TRY(read_field(*rt, "reasoning_efforts", p.upstream_reasoning_efforts, source, "routing."));
    ONBOARD_TRY(read_field(*rt, "timeout_ms", p.timeout_ms, source, "routing."));
    ONBOARD_TRY(read_field(*rt, "breaker_failures", p.breaker_failures, source, "routing."));
    ONBOARD_TRY(read_field(*rt, "breaker_cooldown_ms", p.breaker_cooldown_ms, source, "routing."));
    if (p.timeout_ms <= 0 || p.breaker_failures <= 0 || p.breaker_cooldown_ms < 0)
      return field_error(source, "routing", "timeout_ms and breaker_failures must be positive");
  }
  if (auto eps = j.find("endpoints"); eps != j.end()) {
    if (!eps->is_array()) return field_error(source, "endpoints", "must be an array");
    for (size_t i = 0; i < eps->size(); ++i) {
      const std::string where = "endpoints[" + std::to_string(i) + "].";
      const json& e = (*eps)[i];
      if (!e.is_object()) return field_error(source, where, "must be an object");
      UpstreamEndpoint ep;
      std::string mode = "public";
      ONBOARD_TRY(read_field(e, "name", ep.name, source, where));
      ONBOARD_TRY(read_field(e, "url", ep.url, source, where));
      ONBOARD_TRY(read_field(e, "region", ep.region, source, where));
      ONBOARD_TRY(read_field(e, "model", ep.model, source, where));
      ONBOARD_TRY(read_field(e, "mode", mode, source, where));
      auto m = parse_mode(mode);
      if (!m || *m == IntegrationMode::kOnDevice) return field_error(source, where + "mode", "must be public or private");
      ep.mode = *m;
      if (ep.url.empty()) return field_error(source, where + "url", "is required");
      if (ep.region.empty()) return field_error(source, where + "region", "is required (R9)");
      p.endpoints.push_back(std::move(ep));
    }
  }
  return p;
}

Expected<PrivacyPolicy> PrivacyPolicy::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, path + ": cannot open the policy file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

std::vector<std::string> PrivacyPolicy::lint() const {
  std::vector<std::string> out;
  for (const auto& e : endpoints)
    if (!allowed_regions.empty() && !contains(allowed_regions, e.region))
      out.push_back("R9: endpoint '" + e.name + "' (" + e.url + ") is in region " + e.region +
                    ", outside the allowed regions of the " + market + " configuration: it will never be used");
  return out;
}

Verdict decide(const PrivacyPolicy& policy, const RequestFacts& facts, const ConsentLookup& consent,
               bool anonymiser_available) {
  Verdict v;
  auto local = [&](std::string rule, std::string reason) {
    v = Verdict{};
    v.rule = std::move(rule);
    v.reason = std::move(reason);
    return v;
  };
  if (!facts.wants_upstream) return local("default-local", "answered on the device by default");

  const std::vector<Category> present = facts.categories.list();
  for (Category c : present) {
    const CategoryRule& r = policy.rule(c);
    if (r.local_only) return local(r.rule, std::string(category_name(c)) + " is local-only");
  }
  for (Category c : facts.summaries.list()) {
    if (!policy.summaries_may_leave) return local("R1", "summaries of " + std::string(category_name(c)) + " stay local");
    auto id = consent(c, "");
    if (!id) return local("R1", "no active consent for a summary of " + std::string(category_name(c)));
    v.consent_ids.push_back(*id);
  }
  for (Category c : present) {
    const CategoryRule& r = policy.rule(c);
    if (r.anonymiser_required && !anonymiser_available)
      return local(r.rule, std::string(category_name(c)) + " needs the anonymiser, which is unavailable (fail closed)");
    if (!r.purpose.empty() && facts.purpose != r.purpose)
      return local(r.rule, std::string(category_name(c)) + " may leave only for purpose '" + r.purpose + "'");
    if (r.consent && !(r.consent_exempt_if_requested && facts.user_requested_service)) {
      auto id = consent(c, r.purpose);
      if (!id) return local(r.rule, "no active consent for " + std::string(category_name(c)));
      v.consent_ids.push_back(*id);
    }
  }
  // R13 and R9: the first endpoint in an allowed region whose mode every category allows.
  auto mode_allowed = [&](Category c, IntegrationMode m) {
    const auto& modes = policy.rule(c).modes;
    return std::find(modes.begin(), modes.end(), m) != modes.end();
  };
  bool region_refused = false;
  for (const UpstreamEndpoint& e : policy.endpoints) {
    bool ok = mode_allowed(Category::kNone, e.mode);
    for (Category c : present) ok = ok && mode_allowed(c, e.mode);
    if (!ok) continue;
    if (!policy.allowed_regions.empty() && !contains(policy.allowed_regions, e.region)) {
      region_refused = true;
      continue;
    }
    v.upstream = true;
    v.endpoint = &e;
    v.rule = present.empty() ? "R13" : policy.rule(present.back()).rule;
    v.reason = "sent to " + e.name + " (" + e.region + ")";
    v.keep_precise_location = contains(policy.precise_location_intents, facts.intent);
    v.audio_may_leave = facts.categories.has(Category::kVoiceAudio);
    return v;
  }
  if (region_refused) return local("R9", "no allowed endpoint in the regions " + policy.market + " permits");
  return local("R13", "no endpoint whose integration mode these categories (" + facts.categories.names() + ") allow");
}

}  // namespace onboard::gateway
