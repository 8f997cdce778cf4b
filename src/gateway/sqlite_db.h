// An SQLite connection (RAII) and a prepared statement with bind-by-position, shared by the
// consent store and the audit log. Errors come back as Status naming the file and the SQL.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"

struct sqlite3;

namespace onboard::gateway {

using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

class SqliteDb {
 public:
  static Expected<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without parameters.
  Status exec(const std::string& sql);
  // Runs one statement with `params`; returns its rows. (Ask for ids and counts with
  // RETURNING: the connection is shared by threads, its last rowid and change count are not.)
  Expected<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params = {});
  const std::string& path() const { return path_; }

 private:
  SqliteDb() = default;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Row accessors (a NULL reads as 0 / "").
int64_t sql_int(const SqlValue& v);
std::string sql_text(const SqlValue& v);

}  // namespace onboard::gateway
