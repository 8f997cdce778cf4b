// A fixed pool of worker threads for data-parallel loops. parallel_for splits [0, n) into
// one contiguous static range per thread, so which thread computes an element never
// changes a result; the calling thread takes part. No allocation per call.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace onboard {

class ThreadPool {
 public:
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // fn(begin, end, thread_index) for contiguous ranges covering [0, n).
  template <typename Fn>
  void parallel_for(int64_t n, Fn&& fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n == 1) {
      fn(int64_t{0}, n, 0);
      return;
    }
    run(n, &trampoline<std::remove_reference_t<Fn>>, &fn);
  }

 private:
  using Task = void (*)(void* ctx, int64_t begin, int64_t end, int thread);
  template <typename Fn>
  static void trampoline(void* ctx, int64_t begin, int64_t end, int thread) {
    (*static_cast<Fn*>(ctx))(begin, end, thread);
  }
  void run(int64_t n, Task task, void* ctx);
  void worker(int index);
  void do_share(int index);

  int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  Task task_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0;
};

}  // namespace onboard
