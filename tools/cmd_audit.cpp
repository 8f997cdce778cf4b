// onboard audit: prints the privacy gateway's audit log and verifies its hash chain.
#include <cstdio>
#include <filesystem>

#include "cli_options.h"
#include "commands.h"
#include "gateway/audit_log.h"

namespace onboard::cli {

int cmd_audit(int argc, char** argv) {
  CLI::App app{"Print the privacy gateway's audit log (no payloads are in it) and verify its hash chain", "onboard audit"};
  std::string dir = "onboard-gateway", db;
  bool verify_only = false;
  app.add_option("--gateway-dir", dir, "the gateway's state folder (as given to onboard serve)");
  app.add_option("--db", db, "the audit database itself (default: <gateway-dir>/audit.db)");
  app.add_flag("--verify", verify_only, "only verify the chain (exit 1 when it is broken)");
  CLI11_PARSE(app, argc, argv);
  if (db.empty()) db = dir + "/audit.db";
  if (!std::filesystem::exists(db)) return fail(make_error(ErrorCode::kNotFound, db + ": no audit log here"));
  auto log = gateway::AuditLog::open(db);
  if (!log.ok()) return fail(log.error());
  if (!verify_only) {
    auto all = (*log)->entries();
    if (!all.ok()) return fail(all.error());
    std::printf("seq\ttime_ms\tevent\ttags\tidentifiers\trule\tdestination\tconsent\tbytes_out\tbytes_in\tdetail\n");
    for (const auto& e : *all)
      std::printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%lld\t%lld\t%s\n", static_cast<long long>(e.seq),
                  static_cast<long long>(e.time), e.event.c_str(), e.tags.c_str(), e.identifiers.c_str(), e.rule.c_str(),
                  e.destination.c_str(), e.consent_ids.c_str(), static_cast<long long>(e.bytes_out),
                  static_cast<long long>(e.bytes_in), e.detail.c_str());
  }
  auto v = (*log)->verify();
  if (!v.ok()) return fail(v.error());
  if (!v->ok) {
    std::fprintf(stderr, "onboard: audit: %s: chain BROKEN at %s\n", db.c_str(), v->problem.c_str());
    return 1;
  }
  std::fprintf(stderr, "onboard: audit: %s: %lld rows, hash chain verified\n", db.c_str(), static_cast<long long>(v->rows));
  return 0;
}

}  // namespace onboard::cli
