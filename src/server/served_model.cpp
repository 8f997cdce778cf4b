#include "server/served_model.h"

#include <chrono>

namespace onboard::server {

Expected<std::unique_ptr<ServedModel>> ServedModel::create(const std::string& path, const ServedModelOptions& options) {
  if (options.n_ctx <= 0) return make_error(ErrorCode::kInvalidArgument, "-c must be positive");
  if (options.n_slots <= 0) return make_error(ErrorCode::kInvalidArgument, "--slots must be positive");
  std::unique_ptr<ServedModel> m(new ServedModel());
  m->options_ = options;
  ONBOARD_ASSIGN_OR_RETURN(m->loaded_, runtime::load(path));
  m->pool_ = std::make_unique<ThreadPool>(std::max(options.n_threads, 1));
  runtime::SessionOptions so;
  so.state.n_ctx = options.n_ctx;
  so.state.n_batch = options.n_batch;
  so.state.n_threads = std::max(options.n_threads, 1);
  so.state.kv_type = options.kv_type;
  for (int i = 0; i < options.n_slots; ++i) {
    ONBOARD_ASSIGN_OR_RETURN(std::unique_ptr<runtime::Session> s,
                             runtime::Session::create(*m->loaded_->model, m->loaded_->tokenizer, so, *m->pool_));
    m->sessions_.push_back(std::move(s));
  }
  m->slot_contents_ = std::make_unique<SlotContents>(options.n_slots, options.n_ctx);
  m->scheduler_ = std::make_unique<Scheduler>(options.n_slots, options.max_queue, options.start_deadlines);
  m->created_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  m->scheduler_->start();
  return m;
}

ServedModel::~ServedModel() {
  if (scheduler_) scheduler_->stop();  // before the sessions the sequences step on go away
}

}  // namespace onboard::server
