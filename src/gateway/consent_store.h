// Consent per data category (R2, R3, R12), kept in SQLite: every grant has an expiry (no
// infinite consent), is off at the next ignition unless the driver made it persistent, and
// one call revokes a category. The policy asks active() before every request.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/data_category.h"
#include "gateway/sqlite_db.h"

namespace onboard::gateway {

struct ConsentGrant {
  Category category = Category::kNone;
  int64_t duration_s = 0;   // required, 1 .. the policy's maximum
  bool persistent = false;  // survives ignition
  std::string purpose;      // e.g. "asr" for VOICE_AUDIO (R2)
};

struct ConsentRecord {
  int64_t id = 0;
  Category category = Category::kNone;
  std::string purpose;
  int64_t granted_at = 0, expires_at = 0;
  bool persistent = false;
  int64_t ignition = 0;
};

class ConsentStore {
 public:
  using Clock = std::function<int64_t()>;  // unix seconds
  static Expected<std::unique_ptr<ConsentStore>> open(const std::string& path, int64_t max_duration_s, Clock clock = {});

  Expected<int64_t> grant(const ConsentGrant& g);
  // Revokes every active consent of the category; returns how many.
  Expected<int> revoke(Category c);
  // A new ignition cycle: consents granted before it lapse unless persistent.
  Status ignition();
  // The active consent of the category (for `purpose` when not empty), or none.
  Expected<std::optional<ConsentRecord>> active(Category c, const std::string& purpose = "");
  Expected<std::vector<ConsentRecord>> list_active();
  // R10: every consent record removed.
  Expected<int64_t> delete_all();

 private:
  ConsentStore() = default;
  std::unique_ptr<SqliteDb> db_;
  int64_t max_duration_s_ = 0;
  Clock clock_;
  int64_t current_ignition();
};

}  // namespace onboard::gateway
