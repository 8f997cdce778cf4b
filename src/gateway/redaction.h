// Redaction with local re-identification: identifiers in outbound text are replaced by
// placeholders ("[PHONE_CN_1]") whose table stays in the car; the answer is restored with it,
// also when it arrives in stream chunks that split a placeholder. Precise coordinates are
// coarsened instead (R6: about 100 m at 3 decimals), unless the caller keeps them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/text_detectors.h"

namespace onboard::gateway {

// The placeholder table of one request. It never leaves the process.
class Reidentifier {
 public:
  // `coordinate_decimals` < 0: coordinates are kept as they are (R6's navigation exception).
  explicit Reidentifier(int coordinate_decimals = 3) : coordinate_decimals_(coordinate_decimals) {}

  // `text` with every finding replaced; the same original gets the same placeholder.
  std::string redact(std::string_view text);
  // `text` with every placeholder this table made put back.
  std::string restore(std::string_view text) const;

  // The raw identifiers replaced so far: what must never appear in outbound bytes.
  std::vector<std::string> originals() const;
  size_t longest_placeholder() const { return longest_; }
  const std::vector<std::pair<std::string, std::string>>& table() const { return table_; }

 private:
  int coordinate_decimals_;
  std::vector<std::pair<std::string, std::string>> table_;  // placeholder, original
  std::vector<int> counters_ = std::vector<int>(static_cast<size_t>(Identifier::kCount), 0);
  size_t longest_ = 0;
};

// Restores a streamed answer: a chunk's tail that may be the start of a placeholder is held
// until the next chunk tells.
class StreamRestorer {
 public:
  explicit StreamRestorer(const Reidentifier& table) : table_(table) {}
  std::string push(std::string_view chunk);
  std::string finish();  // what is still held, restored

 private:
  const Reidentifier& table_;
  std::string pending_;
};

// "31.230416, 121.473701" → "31.230, 121.474": every number with more decimals than
// `decimals` inside the span is rounded to `decimals`.
std::string coarsen_coordinates(std::string_view span, int decimals);

}  // namespace onboard::gateway
