// Streaming detokenizer: turns ids into text one at a time without ever emitting part of a
// UTF-8 character. Bytes of a character split over several byte tokens are held until the
// character is complete. Ill-formed bytes become U+FFFD (one per maximal ill-formed subpart,
// as HF's lossy decode), so the concatenation of everything push()/flush() returns equals
// Tokenizer::decode() of the same ids with the same skip_special.
#pragma once

#include <cstdint>
#include <string>

#include "text/tokenizer.h"

namespace onboard::text {

class StreamingDetokenizer {
 public:
  // The tokenizer must outlive this object.
  explicit StreamingDetokenizer(const Tokenizer& tokenizer, bool skip_special = false);

  // Adds one token; returns the text that is now complete (possibly empty).
  std::string push(int32_t id);
  // Ends the stream: returns what is held back, an incomplete sequence as U+FFFD. The object
  // is then ready for a new stream.
  std::string flush();
  // Drops held bytes without emitting them.
  void reset() { pending_.clear(); }
  // Number of bytes held back waiting for the rest of a character.
  size_t pending_bytes() const { return pending_.size(); }

 private:
  const Tokenizer* tok_;
  bool skip_special_;
  std::string pending_;
};

}  // namespace onboard::text
