// Request scheduling for the server: a fixed set of slots (each one planned Session with its
// own KV cache), a priority queue of waiting sequences and one worker thread that advances
// every admitted sequence one step at a time (a prompt chunk or one generated token),
// round-robin, so sequences progress together and a new arrival joins at the next step
// boundary.
//
// Priority classes: critical > interactive > background, FIFO within a class.
//  - Compute preemption: while any critical sequence holds a slot, lower-class sequences that
//    hold slots are paused (not stepped; their slot and KV stay theirs) and resume afterwards.
//  - Memory preemption: when a sequence waits and every slot is held, the running sequence of
//    the lowest class below it (the most recently admitted one among equals) is evicted: it gives
//    up its slot and goes back to the front of its class's queue; on re-admission it recomputes
//    its KV from its own token history (Sequence::on_evicted). It is never failed.
// A free slot is chosen by Sequence::slot_affinity (the prefix cache: the longest prefix of the
// sequence's tokens its KV already holds).
// Admission control: a full queue refuses a submit (429); a sequence that cannot start within
// its class's deadline is dropped from the queue (503).
// Cancelled sequences (client gone) are dropped at the next step boundary and free their slot.
//
// The scheduler knows nothing about models: a Sequence does the work in step().
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace onboard::server {

enum class Priority : int { kBackground = 0, kInteractive = 1, kCritical = 2 };
inline constexpr int kNumPriorities = 3;

std::optional<Priority> parse_priority(std::string_view s);
const char* priority_name(Priority p);

enum class StepOutcome { kContinue, kDone };

class Sequence {
 public:
  explicit Sequence(Priority priority) : priority_(priority) {}
  virtual ~Sequence() = default;

  // Advances by one step on slot `slot` (an index into the owner's sessions). Runs on the
  // worker thread only. Must not throw.
  virtual StepOutcome step(int slot) = 0;
  // How much this sequence gains from slot `slot` (higher is better): a free slot with the
  // highest score is handed to it. ChoiceTask scores the prefix cache: the tokens the slot's KV
  // already holds for it against the cached tokens it would overwrite. Called under the lock.
  virtual int64_t slot_affinity(int /*slot*/) const { return 0; }
  // The sequence lost its slot (memory preemption); the next step() runs on a fresh slot.
  virtual void on_evicted() {}
  // The sequence leaves the scheduler without finishing (cancelled, or the scheduler stops).
  virtual void on_dropped() {}
  // It waited past its class's start deadline without ever getting a slot, and is dropped
  // (the server answers 503 with Retry-After). `waited`: time since submit.
  virtual void on_expired(std::chrono::milliseconds /*waited*/) { on_dropped(); }

  Priority priority() const { return priority_; }
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  friend class Scheduler;
  Priority priority_;
  std::atomic<bool> cancelled_{false};
  uint64_t arrival_ = 0;   // FIFO order within a class (kept across evictions)
  uint64_t admitted_ = 0;  // order of admission (eviction picks the most recent)
  int slot_ = -1;
  std::chrono::steady_clock::time_point submitted_{};
  std::chrono::steady_clock::time_point start_by_ = std::chrono::steady_clock::time_point::max();
};

struct SchedulerStats {
  int64_t queued[kNumPriorities] = {};
  int64_t running[kNumPriorities] = {};  // holding a slot (paused ones included)
  int64_t paused = 0;
  int64_t evictions = 0;
  int64_t expired = 0;  // dropped at their start deadline
  int64_t steps = 0;
};

// How long a sequence of each class may wait for a slot (0: no limit), by Priority index.
using StartDeadlines = std::array<std::chrono::milliseconds, kNumPriorities>;

class Scheduler {
 public:
  // n_slots sessions exist; max_queue waiting sequences at most (then submit fails: 429).
  // A sequence still waiting for its first slot at its class's deadline is dropped (expired);
  // one that was evicted is never failed.
  Scheduler(int n_slots, int max_queue, StartDeadlines deadlines = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues all of `seqs` (the n choices of one request) or none of them: false when the
  // queue cannot take them (the server answers 429).
  bool submit(std::vector<std::shared_ptr<Sequence>> seqs);

  // Starts the worker thread that calls run_once() while there is work.
  void start();
  // Stops the worker; sequences still queued or running are dropped (on_dropped()).
  void stop();

  // One scheduling round: drop cancelled, admit (evicting if needed), then one step() of every
  // sequence allowed to run. Returns false when nothing was runnable. Tests call it directly
  // (without start()).
  bool run_once();

  SchedulerStats stats() const;
  int n_slots() const { return n_slots_; }

 private:
  void admit_locked();
  void wake();

  void expire_locked(std::vector<std::shared_ptr<Sequence>>& expired);

  const int n_slots_;
  const int max_queue_;
  const StartDeadlines deadlines_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Sequence>> queue_[kNumPriorities];
  std::vector<std::shared_ptr<Sequence>> slots_;  // slot index -> holder (or null)
  uint64_t next_arrival_ = 1, next_admitted_ = 1;
  int64_t evictions_ = 0, steps_ = 0, paused_ = 0, expired_ = 0;
  bool stopping_ = false;
  std::atomic<uint64_t> critical_submits_{0};  // read by the worker between steps
  std::thread worker_;
};

}  // namespace onboard::server
