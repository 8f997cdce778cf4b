// The cockpit's safety rules as one table (safety_rules.cpp): which signals speech may never
// touch, which may not change while the car moves, limits above a speed, child locks, rate limits
// and confirmations. The policy (safety_policy.*) evaluates these rows; it holds no rule itself.
#pragma once

#include <span>
#include <string_view>

namespace onboard::cockpit {

enum class RuleKind {
  kForbidden,          // never from speech (path under `prefix`)
  kNoOpenWhileMoving,  // refuse an opening value (true, > 0, OPEN) while moving
  kNoChangeWhileMoving,
  kLimitAboveSpeed,    // above `threshold` km/h the value is limited to `limit`
  kRange,              // [ours] bounds where VSS gives none: [threshold, limit]
  kChildLock,          // refused for rear-seat speakers while the signal `lock_signal` is true
  kConfirm,            // an opening value needs the user's yes first
  kRateLimit,          // at most `limit` actuations of one path per `threshold` seconds
};

struct SafetyRule {
  std::string_view id;
  RuleKind kind;
  std::string_view prefix, suffix;  // the rule covers paths starting with prefix and ending with suffix
  double threshold = 0, limit = 0;
  // For kChildLock: the lock signal; "{door}" is replaced by the door instance of the path.
  std::string_view lock_signal = {};
  std::string_view reason_zh, reason_en;
  std::string_view source;  // where the rule comes from; "[ours]" when it is our choice
};

std::span<const SafetyRule> safety_rules();

}  // namespace onboard::cockpit
