#include "server/scheduler.h"

#include <algorithm>

namespace onboard::server {

std::optional<Priority> parse_priority(std::string_view s) {
  if (s == "critical") return Priority::kCritical;
  if (s == "interactive") return Priority::kInteractive;
  if (s == "background") return Priority::kBackground;
  return std::nullopt;
}

const char* priority_name(Priority p) {
  switch (p) {
    case Priority::kCritical: return "critical";
    case Priority::kInteractive: return "interactive";
    case Priority::kBackground: return "background";
  }
  return "interactive";
}

Scheduler::Scheduler(int n_slots, int max_queue, StartDeadlines deadlines)
    : n_slots_(std::max(n_slots, 1)),
      max_queue_(std::max(max_queue, 0)),
      deadlines_(deadlines),
      slots_(static_cast<size_t>(n_slots_)) {}

Scheduler::~Scheduler() { stop(); }

bool Scheduler::submit(std::vector<std::shared_ptr<Sequence>> seqs) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    size_t queued = 0;
    for (const auto& q : queue_) queued += q.size();
    if (queued + seqs.size() > static_cast<size_t>(max_queue_)) return false;
    const auto now = std::chrono::steady_clock::now();
    for (auto& s : seqs) {
      if (s->priority() == Priority::kCritical) critical_submits_.fetch_add(1, std::memory_order_release);
      s->arrival_ = next_arrival_++;
      s->submitted_ = now;
      const auto limit = deadlines_[static_cast<size_t>(s->priority())];
      if (limit.count() > 0) s->start_by_ = now + limit;
      queue_[static_cast<int>(s->priority())].push_back(std::move(s));
    }
  }
  cv_.notify_all();
  return true;
}

void Scheduler::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] {
          if (stopping_) return true;
          for (const auto& q : queue_)
            if (!q.empty()) return true;
          return std::any_of(slots_.begin(), slots_.end(), [](const auto& s) { return s != nullptr; });
        });
        if (stopping_) return;
      }
      run_once();
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::vector<std::shared_ptr<Sequence>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& q : queue_) {
      for (auto& s : q) dropped.push_back(std::move(s));
      q.clear();
    }
    for (auto& s : slots_) {
      if (s) dropped.push_back(std::move(s));
      s = nullptr;
    }
  }
  for (auto& s : dropped) s->on_dropped();
}

void Scheduler::admit_locked() {
  for (;;) {
    int cls = kNumPriorities - 1;
    while (cls >= 0 && queue_[cls].empty()) --cls;
    if (cls < 0) return;
    const auto& next = queue_[cls].front();
    auto it = slots_.end();
    int64_t best = 0;
    for (auto s = slots_.begin(); s != slots_.end(); ++s) {
      if (*s) continue;
      const int64_t score = next->slot_affinity(static_cast<int>(s - slots_.begin()));
      if (it == slots_.end() || score > best) {
        best = score;
        it = s;
      }
    }
    if (it == slots_.end()) {
      // Every slot is held: evict the lowest-class holder below `cls` (latest admitted first).
      int victim = -1;
      for (int i = 0; i < n_slots_; ++i) {
        const auto& s = slots_[static_cast<size_t>(i)];
        if (static_cast<int>(s->priority()) >= cls) continue;
        if (victim < 0) {
          victim = i;
          continue;
        }
        const auto& v = slots_[static_cast<size_t>(victim)];
        if (s->priority() < v->priority() || (s->priority() == v->priority() && s->admitted_ > v->admitted_)) victim = i;
      }
      if (victim < 0) return;
      std::shared_ptr<Sequence> v = std::move(slots_[static_cast<size_t>(victim)]);
      slots_[static_cast<size_t>(victim)] = nullptr;
      v->slot_ = -1;
      v->on_evicted();
      ++evictions_;
      auto& q = queue_[static_cast<int>(v->priority())];
      const uint64_t arrival = v->arrival_;
      q.insert(std::find_if(q.begin(), q.end(), [&](const auto& s) { return s->arrival_ > arrival; }), std::move(v));
      it = slots_.begin() + victim;
    }
    std::shared_ptr<Sequence> s = std::move(queue_[cls].front());
    queue_[cls].pop_front();
    s->slot_ = static_cast<int>(it - slots_.begin());
    s->admitted_ = next_admitted_++;
    *it = std::move(s);
  }
}

void Scheduler::expire_locked(std::vector<std::shared_ptr<Sequence>>& expired) {
  const auto now = std::chrono::steady_clock::now();
  for (auto& q : queue_) {
    for (auto it = q.begin(); it != q.end();) {
      if ((*it)->admitted_ == 0 && now > (*it)->start_by_) {
        expired.push_back(std::move(*it));
        it = q.erase(it);
        ++expired_;
      } else {
        ++it;
      }
    }
  }
}

bool Scheduler::run_once() {
  std::vector<std::shared_ptr<Sequence>> dropped, expired, runnable;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& q : queue_) {
      for (auto it = q.begin(); it != q.end();) {
        if ((*it)->cancelled()) {
          dropped.push_back(std::move(*it));
          it = q.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& s : slots_) {
      if (s && s->cancelled()) {
        s->slot_ = -1;
        dropped.push_back(std::move(s));
        s = nullptr;
      }
    }
    admit_locked();
    expire_locked(expired);  // after admission: one that can start now does
    const bool critical = std::any_of(slots_.begin(), slots_.end(),
                                      [](const auto& s) { return s && s->priority() == Priority::kCritical; });
    int64_t paused = 0;
    for (const auto& s : slots_) {
      if (!s) continue;
      if (critical && s->priority() != Priority::kCritical)
        ++paused;
      else
        runnable.push_back(s);
    }
    paused_ = paused;
  }
  for (auto& s : dropped) s->on_dropped();
  const auto now = std::chrono::steady_clock::now();
  for (auto& s : expired)
    s->on_expired(std::chrono::duration_cast<std::chrono::milliseconds>(now - s->submitted_));
  if (runnable.empty()) return !dropped.empty() || !expired.empty();
  // Round-robin in slot order: one step each. A critical arrival ends the round early (before
  // the next lower-class step), so it waits for one step at most, not for a whole round.
  std::vector<std::shared_ptr<Sequence>> done;
  const uint64_t critical_seen = critical_submits_.load(std::memory_order_acquire);
  int64_t stepped = 0;
  for (auto& s : runnable) {
    if (s->priority() != Priority::kCritical && critical_submits_.load(std::memory_order_acquire) != critical_seen) break;
    if (s->cancelled()) continue;  // dropped next round
    ++stepped;
    if (s->step(s->slot_) == StepOutcome::kDone) done.push_back(s);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    steps_ += stepped;
    for (auto& s : done) {
      if (s->slot_ >= 0 && slots_[static_cast<size_t>(s->slot_)] == s) slots_[static_cast<size_t>(s->slot_)] = nullptr;
      s->slot_ = -1;
    }
  }
  return true;
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SchedulerStats st;
  for (int c = 0; c < kNumPriorities; ++c) st.queued[c] = static_cast<int64_t>(queue_[c].size());
  for (const auto& s : slots_)
    if (s) ++st.running[static_cast<int>(s->priority())];
  st.paused = paused_;
  st.evictions = evictions_;
  st.expired = expired_;
  st.steps = steps_;
  return st;
}

}  // namespace onboard::server
