// Onboard C++ API: RAII handles over the C ABI in onboard.h (the same core, the same
// guarantees: failures are values, never exceptions). Header-only.
//
//   auto model = onboard::Model::load("model.gguf");
//   if (!model) { std::cerr << model.error().message; }
//   auto session = model->new_session();
//   session->chat("打开车窗", 64, [](int32_t, std::string_view text) { std::cout << text; return true; });
#ifndef ONBOARD_ONBOARD_HPP
#define ONBOARD_ONBOARD_HPP

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "onboard/onboard.h"

namespace onboard {

struct ApiError {
  onboard_status status = ONBOARD_ERR_INTERNAL;
  std::string message;
};

// A value or the error that prevented it.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(ApiError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

inline ApiError last_error(onboard_status s) { return ApiError{s, onboard_last_error()}; }

// Called with each token and the text it completes; return false to stop.
using TokenHandler = std::function<bool(int32_t token, std::string_view text)>;

class Session {
 public:
  // Renders one user message with the model's chat template and generates.
  std::optional<ApiError> chat(const std::string& user_message, int32_t max_tokens, const TokenHandler& on_token) {
    const onboard_status s = onboard_chat(handle_.get(), user_message.c_str(), max_tokens, &forward, user_data(on_token));
    return s == ONBOARD_OK ? std::nullopt : std::optional<ApiError>(last_error(s));
  }
  // Appends prompt ids to the context and generates.
  std::optional<ApiError> generate(const std::vector<int32_t>& prompt, int32_t max_tokens, const TokenHandler& on_token) {
    const onboard_status s =
        onboard_generate(handle_.get(), prompt.data(), prompt.size(), max_tokens, &forward, user_data(on_token));
    return s == ONBOARD_OK ? std::nullopt : std::optional<ApiError>(last_error(s));
  }
  void reset() { onboard_session_reset(handle_.get()); }
  // Thread-safe: stops a running chat/generate after the current token.
  void cancel() { onboard_session_cancel(handle_.get()); }

 private:
  friend class Model;
  explicit Session(onboard_session* s) : handle_(s, &onboard_session_free) {}
  // The C callback's user pointer; forward() only reads through it.
  static void* user_data(const TokenHandler& h) { return const_cast<TokenHandler*>(&h); }
  static int forward(void* user, int32_t token, const char* text, size_t len) {
    const auto* h = static_cast<const TokenHandler*>(user);
    return !*h || (*h)(token, std::string_view(text, len)) ? 1 : 0;
  }
  std::unique_ptr<onboard_session, void (*)(onboard_session*)> handle_;
};

class Model {
 public:
  static Result<Model> load(const std::string& path) {
    onboard_model* m = nullptr;
    const onboard_status s = onboard_model_load(path.c_str(), &m);
    if (s != ONBOARD_OK) return last_error(s);
    return Model(m);
  }

  Result<Session> new_session(const onboard_session_params& params = onboard_session_default_params()) {
    onboard_session* s = nullptr;
    const onboard_status st = onboard_session_create(handle_.get(), &params, &s);
    if (st != ONBOARD_OK) return last_error(st);
    return Session(s);
  }

  Result<std::vector<int32_t>> tokenize(const std::string& text, bool add_bos = true) const {
    size_t n = 0;
    std::vector<int32_t> ids(text.size() + 8);
    onboard_status s = onboard_tokenize(handle_.get(), text.c_str(), add_bos, ids.data(), ids.size(), &n);
    if (s == ONBOARD_ERR_OUT_OF_RANGE) {
      ids.resize(n);
      s = onboard_tokenize(handle_.get(), text.c_str(), add_bos, ids.data(), ids.size(), &n);
    }
    if (s != ONBOARD_OK) return last_error(s);
    ids.resize(n);
    return ids;
  }

  Result<std::string> detokenize(const std::vector<int32_t>& ids) const {
    size_t len = 0;
    std::string out(ids.size() * 8 + 16, '\0');
    onboard_status s = onboard_detokenize(handle_.get(), ids.data(), ids.size(), out.data(), out.size(), &len);
    if (s == ONBOARD_ERR_OUT_OF_RANGE) {
      out.resize(len + 1);
      s = onboard_detokenize(handle_.get(), ids.data(), ids.size(), out.data(), out.size(), &len);
    }
    if (s != ONBOARD_OK) return last_error(s);
    out.resize(len);
    return out;
  }

  int32_t n_vocab() const { return onboard_model_n_vocab(handle_.get()); }

 private:
  explicit Model(onboard_model* m) : handle_(m, &onboard_model_free) {}
  std::shared_ptr<onboard_model> handle_;
};

}  // namespace onboard

#endif  // ONBOARD_ONBOARD_HPP
