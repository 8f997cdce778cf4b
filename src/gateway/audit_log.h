// The audit log (R10, R11): SQLite, append-only (triggers refuse UPDATE and DELETE), each row
// chained to the one before by SHA-256 so an edited, inserted or removed row breaks verify().
// A row holds time, event, tags, rule, destination, consent ids, byte counts and SHA-256 of
// the payloads, never a payload.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "gateway/sqlite_db.h"

namespace onboard::gateway {

std::string sha256_hex(std::string_view bytes);

struct AuditEntry {
  int64_t seq = 0;   // assigned by append
  int64_t time = 0;  // unix ms, assigned by append when 0
  std::string event;        // route, upstream, fallback, egress_refused, consent_grant, consent_revoke, ignition, deletion
  std::string tags;         // data categories
  std::string identifiers;  // kinds and counts of identifiers redacted (never their values)
  std::string rule;
  std::string destination;  // "local" or the endpoint's name and region
  std::string consent_ids;
  int64_t bytes_out = 0, bytes_in = 0;
  std::string out_sha256, in_sha256;
  std::string detail;
  std::string prev_hash, hash;  // assigned by append
};

struct AuditVerification {
  bool ok = true;
  int64_t rows = 0;
  int64_t first_bad_seq = 0;
  std::string problem;
};

class AuditLog {
 public:
  static Expected<std::unique_ptr<AuditLog>> open(const std::string& path);
  Status append(AuditEntry e);
  Expected<std::vector<AuditEntry>> entries();
  Expected<AuditVerification> verify();

 private:
  AuditLog() = default;
  std::unique_ptr<SqliteDb> db_;
  std::mutex mu_;  // appends are serialized: each needs the hash before it
};

}  // namespace onboard::gateway
