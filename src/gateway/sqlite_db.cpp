#include "gateway/sqlite_db.h"

#include <sqlite3.h>

#include <cstdlib>

namespace onboard::gateway {
namespace {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

}  // namespace

Expected<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  db->path_ = path;
  const int rc = sqlite3_open_v2(path.c_str(), &db->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK)
    return make_error(ErrorCode::kIo, path + ": cannot open the SQLite database: " +
                                          (db->db_ ? sqlite3_errmsg(db->db_) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(db->db_, 2000);
  return db;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteDb::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return make_error(ErrorCode::kIo, path_ + ": " + m + " (in: " + sql.substr(0, 80) + ")");
  }
  return Status::Ok();
}

Expected<std::vector<SqlRow>> SqliteDb::query(const std::string& sql, const std::vector<SqlValue>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
    return make_error(ErrorCode::kIo, path_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql.substr(0, 80) + ")");
  std::unique_ptr<sqlite3_stmt, StmtDeleter> stmt(raw);
  for (size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    if (const auto* n = std::get_if<int64_t>(&params[i]))
      sqlite3_bind_int64(raw, at, *n);
    else if (const auto* s = std::get_if<std::string>(&params[i]))
      sqlite3_bind_text(raw, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(raw, at);
  }
  std::vector<SqlRow> rows;
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW)
      return make_error(ErrorCode::kIo, path_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql.substr(0, 80) + ")");
    SqlRow row;
    for (int c = 0; c < sqlite3_column_count(raw); ++c) {
      switch (sqlite3_column_type(raw, c)) {
        case SQLITE_NULL: row.emplace_back(nullptr); break;
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(raw, c))); break;
        default: {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          row.emplace_back(std::string(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t sql_int(const SqlValue& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

std::string sql_text(const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  return "";
}

}  // namespace onboard::gateway
