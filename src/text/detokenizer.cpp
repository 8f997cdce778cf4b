#include "text/detokenizer.h"

#include "text/utf8.h"

namespace onboard::text {

StreamingDetokenizer::StreamingDetokenizer(const Tokenizer& tokenizer, bool skip_special)
    : tok_(&tokenizer), skip_special_(skip_special) {}

std::string StreamingDetokenizer::push(int32_t id) {
  if (skip_special_ && tok_->is_special(id)) return {};
  const std::string_view piece = tok_->token_piece(id);
  if (piece.empty()) return {};
  pending_.append(piece);
  const size_t hold = utf8_incomplete_tail(pending_);
  const std::string_view ready(pending_.data(), pending_.size() - hold);
  std::string out = utf8_is_valid(ready) ? std::string(ready) : utf8_lossy(ready);
  pending_.erase(0, pending_.size() - hold);
  return out;
}

std::string StreamingDetokenizer::flush() {
  std::string out = utf8_lossy(pending_);
  pending_.clear();
  return out;
}

}  // namespace onboard::text
