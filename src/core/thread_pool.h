// A fixed pool of worker threads for data-parallel loops. parallel_for splits [0, n) into
// one contiguous static range per thread, so which thread computes an element never
// changes a result; the calling thread takes part. No allocation per call.
//
// A forward pass issues a few hundred short loops per token, so waking sleeping threads would
// cost more than many of the loops themselves: workers and the caller first spin (with a
// pause instruction) for up to kSpin on the atomic generation / pending counters, and only
// then sleep on a condition variable. No lock is taken on the spinning path except the
// caller's brief one to publish a new generation. On 8-16 cores the same static split holds;
// each loop's cost is one cache-line broadcast of the generation plus one decrement per thread.
#pragma once

#include <atomic>
#include <chrono>
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

  // How long a thread spins on a counter before it sleeps.
  static constexpr std::chrono::microseconds kSpin{50};

  int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;  // guards the sleeping paths; counters change under it so no wake-up is lost
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  Task task_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0;
};

}  // namespace onboard
