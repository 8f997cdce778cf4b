#include "core/thread_pool.h"

#include <algorithm>

namespace onboard {

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
  workers_.reserve(n_threads_ - 1);
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::do_share(int index) {
  const int64_t per = n_ / n_threads_, extra = n_ % n_threads_;
  const int64_t begin = index * per + std::min<int64_t>(index, extra);
  const int64_t end = begin + per + (index < extra ? 1 : 0);
  if (begin < end) task_(ctx_, begin, end, index);
}

void ThreadPool::run(int64_t n, Task task, void* ctx) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = task;
    ctx_ = ctx;
    n_ = n;
    pending_ = n_threads_ - 1;
    ++generation_;
  }
  wake_.notify_all();
  do_share(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return pending_ == 0; });
}

void ThreadPool::worker(int index) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    do_share(index);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

}  // namespace onboard
