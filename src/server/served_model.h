// One model the server serves: the loaded file, its id, a thread pool, the slots (Sessions
// planned at startup for n_ctx tokens each; nothing is allocated per request but the
// request's own objects), what each slot's KV holds (the prefix cache) and the scheduler
// that hands slots to sequences.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "runtime/loaded_model.h"
#include "runtime/session.h"
#include "server/scheduler.h"
#include "server/slot_contents.h"

namespace onboard::server {

struct ServedModelOptions {
  std::string id;               // model id in the API
  std::string chat_template;    // override source, empty: the file's
  int64_t n_ctx = 4096;
  int64_t n_batch = 256;        // prompt tokens per step (chunked prefill)
  int n_threads = 1;
  GgmlType kv_type = GgmlType::F16;
  int n_slots = 4;
  int max_queue = 64;
  StartDeadlines start_deadlines{};  // per class; 0: no limit
};

class ServedModel {
 public:
  static Expected<std::unique_ptr<ServedModel>> create(const std::string& path, const ServedModelOptions& options);
  ~ServedModel();

  const std::string& id() const { return options_.id; }
  const ServedModelOptions& options() const { return options_; }
  const runtime::LoadedModel& loaded() const { return *loaded_; }
  runtime::Session& session(int slot) { return *sessions_[static_cast<size_t>(slot)]; }
  Scheduler& scheduler() { return *scheduler_; }
  SlotContents& slot_contents() { return *slot_contents_; }
  const SlotContents& slot_contents() const { return *slot_contents_; }
  int64_t n_ctx() const { return options_.n_ctx; }
  int64_t created() const { return created_; }

 private:
  ServedModel() = default;
  ServedModelOptions options_;
  std::unique_ptr<runtime::LoadedModel> loaded_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<std::unique_ptr<runtime::Session>> sessions_;
  std::unique_ptr<SlotContents> slot_contents_;
  std::unique_ptr<Scheduler> scheduler_;
  int64_t created_ = 0;
};

}  // namespace onboard::server
