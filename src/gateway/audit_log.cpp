#include "gateway/audit_log.h"

#include <openssl/evp.h>

#include <chrono>

namespace onboard::gateway {
namespace {

constexpr const char* kColumns =
    "seq, time, event, tags, identifiers, rule, destination, consent_ids, bytes_out, bytes_in, out_sha256, in_sha256, "
    "detail, prev_hash, hash";

// The bytes a row's hash covers: the previous hash and every field, unit-separated.
std::string chained_bytes(const AuditEntry& e) {
  const char sep = '\x1f';
  std::string s = e.prev_hash;
  for (const std::string& f :
       {std::to_string(e.seq), std::to_string(e.time), e.event, e.tags, e.identifiers, e.rule, e.destination, e.consent_ids,
        std::to_string(e.bytes_out), std::to_string(e.bytes_in), e.out_sha256, e.in_sha256, e.detail}) {
    s += sep;
    s += f;
  }
  return s;
}

AuditEntry entry_of(const SqlRow& r) {
  AuditEntry e;
  e.seq = sql_int(r[0]);
  e.time = sql_int(r[1]);
  e.event = sql_text(r[2]);
  e.tags = sql_text(r[3]);
  e.identifiers = sql_text(r[4]);
  e.rule = sql_text(r[5]);
  e.destination = sql_text(r[6]);
  e.consent_ids = sql_text(r[7]);
  e.bytes_out = sql_int(r[8]);
  e.bytes_in = sql_int(r[9]);
  e.out_sha256 = sql_text(r[10]);
  e.in_sha256 = sql_text(r[11]);
  e.detail = sql_text(r[12]);
  e.prev_hash = sql_text(r[13]);
  e.hash = sql_text(r[14]);
  return e;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

Expected<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  std::unique_ptr<AuditLog> log(new AuditLog());
  auto db = SqliteDb::open(path);
  if (!db.ok()) return db.error();
  log->db_ = std::move(*db);
  const Status st = log->db_->exec(
      "CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, event TEXT NOT NULL, "
      "tags TEXT NOT NULL, identifiers TEXT NOT NULL, rule TEXT NOT NULL, destination TEXT NOT NULL, "
      "consent_ids TEXT NOT NULL, bytes_out INTEGER NOT NULL, bytes_in INTEGER NOT NULL, out_sha256 TEXT NOT NULL, "
      "in_sha256 TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
      "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
      "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
  if (!st.ok()) return st.error();
  return log;
}

Status AuditLog::append(AuditEntry e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (e.time == 0)
    e.time = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto last = db_->query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.error();
  e.seq = last->empty() ? 1 : sql_int((*last)[0][0]) + 1;
  e.prev_hash = last->empty() ? std::string(64, '0') : sql_text((*last)[0][1]);
  e.hash = sha256_hex(chained_bytes(e));
  auto r = db_->query(std::string("INSERT INTO audit(") + kColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      {e.seq, e.time, e.event, e.tags, e.identifiers, e.rule, e.destination, e.consent_ids, e.bytes_out,
                       e.bytes_in, e.out_sha256, e.in_sha256, e.detail, e.prev_hash, e.hash});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Expected<std::vector<AuditEntry>> AuditLog::entries() {
  auto rows = db_->query(std::string("SELECT ") + kColumns + " FROM audit ORDER BY seq");
  if (!rows.ok()) return rows.error();
  std::vector<AuditEntry> out;
  for (const auto& r : *rows) out.push_back(entry_of(r));
  return out;
}

Expected<AuditVerification> AuditLog::verify() {
  auto all = entries();
  if (!all.ok()) return all.error();
  AuditVerification v;
  std::string prev(64, '0');
  int64_t expect_seq = 1;
  for (const AuditEntry& e : *all) {
    ++v.rows;
    std::string problem;
    if (e.seq != expect_seq)
      problem = "row " + std::to_string(expect_seq) + " is missing";
    else if (e.prev_hash != prev)
      problem = "prev_hash does not match the row before";
    else if (sha256_hex(chained_bytes(e)) != e.hash)
      problem = "the row's contents do not match its hash (modified)";
    if (!problem.empty()) {
      v.ok = false;
      v.first_bad_seq = e.seq;
      v.problem = "row " + std::to_string(e.seq) + ": " + problem;
      return v;
    }
    prev = e.hash;
    ++expect_seq;
  }
  return v;
}

}  // namespace onboard::gateway
