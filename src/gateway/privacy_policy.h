// The privacy policy: a table per data category (local-only, integration modes, consent,
// purpose, anonymiser) read from a JSON file, and decide(), the one function that says
// whether a request may leave the car, to which endpoint, and under which rule of
// cockpit-requirements §3.4. config/gateway/README.md documents the file.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/data_category.h"

namespace onboard::gateway {

enum class IntegrationMode { kOnDevice, kPrivate, kPublic };  // R13
std::optional<IntegrationMode> parse_mode(const std::string& s);

struct UpstreamEndpoint {
  std::string name, url, region, model;  // model: sent when the caller named none of ours
  IntegrationMode mode = IntegrationMode::kPublic;
  std::string key;  // bearer key (from --upstream-key-file), never logged
};

struct CategoryRule {
  bool local_only = false;                // R1 (and R6 for trajectories)
  std::vector<IntegrationMode> modes;     // where it may go (R13); empty: on-device only
  bool consent = false;                   // R2, R3, R6, R12
  bool consent_exempt_if_requested = false;  // R12: strictly necessary for a service asked for
  std::string purpose;                    // R2: audio leaves only for this purpose ("asr")
  bool anonymiser_required = false;       // R5
  std::string rule;                       // the rule this row implements, for the audit log
};

struct PrivacyPolicy {
  std::string market = "CN";
  std::vector<std::string> allowed_regions;  // R9: empty = any
  int64_t max_consent_seconds = 30 * 86400;  // R3
  int location_decimals = 3;                 // R6
  std::vector<std::string> precise_location_intents;
  bool summaries_may_leave = true;  // R1: a text summary of local-only data, with consent
  std::array<CategoryRule, static_cast<size_t>(Category::kCount)> categories;
  // Routing (when a request warrants the cloud).
  std::vector<std::string> upstream_models;
  int64_t min_prompt_chars = 4000;
  std::vector<std::string> upstream_reasoning_efforts;
  int64_t timeout_ms = 8000;
  int breaker_failures = 3;
  int64_t breaker_cooldown_ms = 30000;
  std::vector<UpstreamEndpoint> endpoints;

  const CategoryRule& rule(Category c) const { return categories[static_cast<size_t>(c)]; }
  // JSON text → policy; errors name the field. `source` names the file in messages.
  static Expected<PrivacyPolicy> parse(const std::string& json_text, const std::string& source);
  static Expected<PrivacyPolicy> load(const std::string& path);
  // Configuration problems (R9: an endpoint outside the allowed regions), one line each.
  std::vector<std::string> lint() const;
};

// What the classifier found in one request, and what the caller asked for.
struct RequestFacts {
  CategorySet categories;  // data the request carries
  CategorySet summaries;   // text summaries derived from local-only categories (R1)
  bool wants_upstream = false;
  std::string intent;       // e.g. "navigation" (R6)
  std::string purpose;      // e.g. "asr" (R2)
  bool user_requested_service = false;  // R12
};

struct Verdict {
  bool upstream = false;
  const UpstreamEndpoint* endpoint = nullptr;
  std::string rule;    // "R1".."R13", or "default-local"
  std::string reason;  // for the response header and the log
  std::vector<int64_t> consent_ids;
  bool keep_precise_location = false;
  bool audio_may_leave = false;
};

// The active consent id for a category (and purpose), or none. Errors count as none.
using ConsentLookup = std::function<std::optional<int64_t>(Category, const std::string& purpose)>;

Verdict decide(const PrivacyPolicy& policy, const RequestFacts& facts, const ConsentLookup& consent,
               bool anonymiser_available = false);

}  // namespace onboard::gateway
