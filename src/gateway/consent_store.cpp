#include "gateway/consent_store.h"

#include <chrono>

namespace onboard::gateway {

Expected<std::unique_ptr<ConsentStore>> ConsentStore::open(const std::string& path, int64_t max_duration_s, Clock clock) {
  std::unique_ptr<ConsentStore> s(new ConsentStore());
  auto db = SqliteDb::open(path);
  if (!db.ok()) return db.error();
  s->db_ = std::move(*db);
  s->max_duration_s_ = max_duration_s;
  s->clock_ = clock ? std::move(clock) : Clock([] {
    return static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  });
  const Status st = s->db_->exec(
      "CREATE TABLE IF NOT EXISTS consent(id INTEGER PRIMARY KEY AUTOINCREMENT, category TEXT NOT NULL, "
      "purpose TEXT NOT NULL, granted_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, persistent INTEGER NOT NULL, "
      "ignition INTEGER NOT NULL, revoked_at INTEGER);"
      "CREATE TABLE IF NOT EXISTS ignition(n INTEGER NOT NULL);"
      "INSERT INTO ignition SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ignition);");
  if (!st.ok()) return st.error();
  return s;
}

int64_t ConsentStore::current_ignition() {
  auto rows = db_->query("SELECT n FROM ignition");
  return rows.ok() && !rows->empty() ? sql_int((*rows)[0][0]) : 0;
}

Expected<int64_t> ConsentStore::grant(const ConsentGrant& g) {
  if (g.category == Category::kNone || g.category == Category::kCount)
    return make_error(ErrorCode::kInvalidArgument, "consent: a category is required");
  if (g.duration_s <= 0)
    return make_error(ErrorCode::kInvalidArgument, "consent: duration_s must be a positive number of seconds (consent never lasts forever)");
  if (g.duration_s > max_duration_s_)
    return make_error(ErrorCode::kInvalidArgument, "consent: duration_s " + std::to_string(g.duration_s) +
                                                       " exceeds the policy's maximum of " + std::to_string(max_duration_s_));
  const int64_t now = clock_();
  // RETURNING, not the connection's last rowid: the server's threads share the connection.
  auto r = db_->query(
      "INSERT INTO consent(category, purpose, granted_at, expires_at, persistent, ignition) VALUES(?,?,?,?,?,?) "
      "RETURNING id",
      {std::string(category_name(g.category)), g.purpose, now, now + g.duration_s, int64_t{g.persistent ? 1 : 0},
       current_ignition()});
  if (!r.ok()) return r.error();
  return sql_int(r->at(0)[0]);
}

Expected<int> ConsentStore::revoke(Category c) {
  // The rows it changed come back (RETURNING): the shared connection's change count may be
  // another thread's by the time it is read.
  auto r = db_->query("UPDATE consent SET revoked_at = ? WHERE category = ? AND revoked_at IS NULL RETURNING id",
                      {clock_(), std::string(category_name(c))});
  if (!r.ok()) return r.error();
  return static_cast<int>(r->size());
}

Status ConsentStore::ignition() {
  auto r = db_->query("UPDATE ignition SET n = n + 1");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

namespace {

constexpr const char* kActiveWhere =
    " FROM consent WHERE revoked_at IS NULL AND expires_at > ?1 AND (persistent = 1 OR ignition = ?2)";

ConsentRecord record_of(const SqlRow& row) {
  ConsentRecord rec;
  rec.id = sql_int(row[0]);
  rec.category = parse_category(sql_text(row[1])).value_or(Category::kNone);
  rec.purpose = sql_text(row[2]);
  rec.granted_at = sql_int(row[3]);
  rec.expires_at = sql_int(row[4]);
  rec.persistent = sql_int(row[5]) != 0;
  rec.ignition = sql_int(row[6]);
  return rec;
}

}  // namespace

Expected<std::optional<ConsentRecord>> ConsentStore::active(Category c, const std::string& purpose) {
  auto rows = db_->query(std::string("SELECT id, category, purpose, granted_at, expires_at, persistent, ignition") +
                             kActiveWhere + " AND category = ?3 AND (?4 = '' OR purpose = ?4) ORDER BY id DESC LIMIT 1",
                         {clock_(), current_ignition(), std::string(category_name(c)), purpose});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<ConsentRecord>();
  return std::optional<ConsentRecord>(record_of((*rows)[0]));
}

Expected<std::vector<ConsentRecord>> ConsentStore::list_active() {
  auto rows = db_->query(std::string("SELECT id, category, purpose, granted_at, expires_at, persistent, ignition") +
                             kActiveWhere + " ORDER BY id",
                         {clock_(), current_ignition()});
  if (!rows.ok()) return rows.error();
  std::vector<ConsentRecord> out;
  for (const auto& row : *rows) out.push_back(record_of(row));
  return out;
}

Expected<int64_t> ConsentStore::delete_all() {
  auto r = db_->query("DELETE FROM consent RETURNING id");
  if (!r.ok()) return r.error();
  return static_cast<int64_t>(r->size());
}

}  // namespace onboard::gateway
