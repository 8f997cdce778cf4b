// The privacy gateway: classifies each request, asks the policy, answers locally by default
// or sends a redacted request through the one egress point to an allowed upstream, restores
// identifiers in the answer, falls back to the local model when the upstream fails, is slow
// or its breaker is open, and logs every decision (never a payload). It also serves consent
// (grant / revoke / list), ignition and deletion (R10) under /v1/gateway/.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/audit_log.h"
#include "gateway/circuit_breaker.h"
#include "gateway/consent_store.h"
#include "gateway/egress.h"
#include "gateway/privacy_policy.h"
#include "server/request_router.h"

namespace onboard::gateway {

struct GatewayOptions {
  PrivacyPolicy policy;
  std::string state_dir;                    // consent.db and audit.db live here
  std::vector<std::string> local_model_ids;  // models the local server has
  ConsentStore::Clock clock;                // unix seconds; empty: the system clock
};

class Gateway final : public server::RequestRouter {
 public:
  static Expected<std::unique_ptr<Gateway>> create(GatewayOptions options);

  server::RouteOutcome route(bool chat, const std::string& body, const HeaderLookup& header) override;
  server::RouteOutcome admin(const std::string& method, const std::string& path, const std::string& body) override;

  ConsentStore& consent() { return *consent_; }
  AuditLog& audit() { return *audit_; }
  const Egress& egress() const { return egress_; }
  const PrivacyPolicy& policy() const { return options_.policy; }

 private:
  Gateway() = default;
  server::RouteOutcome local(const nlohmann::ordered_json& body, std::vector<std::pair<std::string, std::string>> headers) const;

  GatewayOptions options_;
  std::unique_ptr<ConsentStore> consent_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CircuitBreaker> breaker_;
  Egress egress_;
};

}  // namespace onboard::gateway
