// The scheduler without a model: fake sequences record which steps ran where.
#include "server/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include "server/api_keys.h"

namespace onboard::server {
namespace {

struct Log {
  std::vector<std::string> steps;  // "name@slot"
};

class FakeSeq : public Sequence {
 public:
  FakeSeq(std::string name, Priority p, int n_steps, Log* log) : Sequence(p), name_(std::move(name)), left_(n_steps), log_(log) {}
  StepOutcome step(int slot) override {
    log_->steps.push_back(name_ + "@" + std::to_string(slot));
    ++done_;
    return --left_ == 0 ? StepOutcome::kDone : StepOutcome::kContinue;
  }
  void on_evicted() override { ++evicted; }
  void on_dropped() override { dropped = true; }
  std::atomic<int> done_{0};
  int evicted = 0;
  bool dropped = false;

 private:
  std::string name_;
  int left_;
  Log* log_;
};

std::shared_ptr<FakeSeq> seq(const std::string& name, Priority p, int n, Log& log) {
  return std::make_shared<FakeSeq>(name, p, n, &log);
}

std::string names(const Log& log) {
  std::string s;
  for (const auto& x : log.steps) s += x + " ";
  return s;
}

TEST(Scheduler, RoundRobinOneStepEach) {
  Log log;
  Scheduler s(2, 16);
  ASSERT_TRUE(s.submit({seq("a", Priority::kInteractive, 2, log), seq("b", Priority::kInteractive, 2, log)}));
  while (s.run_once()) {
  }
  EXPECT_EQ(names(log), "a@0 b@1 a@0 b@1 ");
}

TEST(Scheduler, PriorityOrderThenFifo) {
  Log log;
  Scheduler s(1, 16);
  ASSERT_TRUE(s.submit({seq("bg1", Priority::kBackground, 1, log)}));
  ASSERT_TRUE(s.submit({seq("in1", Priority::kInteractive, 1, log)}));
  ASSERT_TRUE(s.submit({seq("bg2", Priority::kBackground, 1, log)}));
  ASSERT_TRUE(s.submit({seq("cr1", Priority::kCritical, 1, log)}));
  ASSERT_TRUE(s.submit({seq("in2", Priority::kInteractive, 1, log)}));
  while (s.run_once()) {
  }
  EXPECT_EQ(names(log), "cr1@0 in1@0 in2@0 bg1@0 bg2@0 ");
}

TEST(Scheduler, CriticalPausesLowerClassesKeepingTheirSlot) {
  Log log;
  Scheduler s(2, 16);
  auto bg = seq("bg", Priority::kBackground, 4, log);
  ASSERT_TRUE(s.submit({bg}));
  s.run_once();
  s.run_once();  // bg has made two steps on slot 0
  auto cr = seq("cr", Priority::kCritical, 3, log);
  ASSERT_TRUE(s.submit({cr}));
  s.run_once();
  EXPECT_EQ(s.stats().paused, 1);
  EXPECT_EQ(s.stats().running[static_cast<int>(Priority::kBackground)], 1);
  while (s.run_once()) {
  }
  // The critical one ran alone in the free slot; bg resumed on its own slot, never evicted.
  EXPECT_EQ(names(log), "bg@0 bg@0 cr@1 cr@1 cr@1 bg@0 bg@0 ");
  EXPECT_EQ(bg->evicted, 0);
  EXPECT_FALSE(bg->dropped);
  EXPECT_EQ(bg->done_, 4);
}

TEST(Scheduler, FullSlotsEvictTheLowestClassWhichResumesLater) {
  Log log;
  Scheduler s(2, 16);
  auto in = seq("in", Priority::kInteractive, 3, log);
  auto bg = seq("bg", Priority::kBackground, 3, log);
  ASSERT_TRUE(s.submit({in, bg}));
  s.run_once();  // in@0 bg@1
  auto cr = seq("cr", Priority::kCritical, 2, log);
  ASSERT_TRUE(s.submit({cr}));
  s.run_once();  // bg evicted; cr runs alone (in is paused)
  EXPECT_EQ(bg->evicted, 1);
  EXPECT_EQ(in->evicted, 0);
  while (s.run_once()) {
  }
  EXPECT_EQ(names(log), "in@0 bg@1 cr@1 cr@1 in@0 bg@1 in@0 bg@1 ");
  EXPECT_EQ(bg->done_, 3);
  EXPECT_FALSE(bg->dropped);
  EXPECT_EQ(s.stats().evictions, 1);
}

TEST(Scheduler, EqualClassesAreNeverEvicted) {
  Log log;
  Scheduler s(1, 16);
  auto a = seq("a", Priority::kInteractive, 2, log);
  ASSERT_TRUE(s.submit({a}));
  s.run_once();
  ASSERT_TRUE(s.submit({seq("b", Priority::kInteractive, 1, log)}));
  while (s.run_once()) {
  }
  EXPECT_EQ(names(log), "a@0 a@0 b@0 ");
  EXPECT_EQ(a->evicted, 0);
}

TEST(Scheduler, CancelFreesTheSlot) {
  Log log;
  Scheduler s(1, 16);
  auto a = seq("a", Priority::kInteractive, 1000, log);
  auto b = seq("b", Priority::kInteractive, 1, log);
  ASSERT_TRUE(s.submit({a}));
  ASSERT_TRUE(s.submit({b}));
  s.run_once();
  s.run_once();
  a->cancel();
  while (s.run_once()) {
  }
  EXPECT_TRUE(a->dropped);
  EXPECT_EQ(names(log), "a@0 a@0 b@0 ");
  EXPECT_EQ(s.stats().running[static_cast<int>(Priority::kInteractive)], 0);
}

TEST(Scheduler, CancelWhileQueued) {
  Log log;
  Scheduler s(1, 16);
  auto a = seq("a", Priority::kInteractive, 2, log);
  auto b = seq("b", Priority::kInteractive, 2, log);
  ASSERT_TRUE(s.submit({a, b}));
  b->cancel();
  while (s.run_once()) {
  }
  EXPECT_TRUE(b->dropped);
  EXPECT_EQ(names(log), "a@0 a@0 ");
}

TEST(Scheduler, QueueLimitRejectsWholeRequests) {
  Log log;
  Scheduler s(1, 3);
  EXPECT_TRUE(s.submit({seq("a", Priority::kInteractive, 1, log), seq("b", Priority::kInteractive, 1, log)}));
  EXPECT_FALSE(s.submit({seq("c", Priority::kInteractive, 1, log), seq("d", Priority::kInteractive, 1, log)}));
  EXPECT_TRUE(s.submit({seq("e", Priority::kInteractive, 1, log)}));
  EXPECT_EQ(s.stats().queued[static_cast<int>(Priority::kInteractive)], 3);
}

TEST(Scheduler, WorkerThreadRunsEverythingAndStopDropsTheRest) {
  Log log;  // written by the worker only, read after stop()
  auto s = std::make_unique<Scheduler>(2, 16);
  std::vector<std::shared_ptr<FakeSeq>> seqs;
  for (int i = 0; i < 6; ++i) seqs.push_back(seq("s" + std::to_string(i), Priority::kInteractive, 5, log));
  s->start();
  for (auto& q : seqs) ASSERT_TRUE(s->submit({q}));
  for (int spin = 0; spin < 2000; ++spin) {
    bool all = true;
    for (auto& q : seqs) all = all && q->done_ == 5;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s->stop();
  for (auto& q : seqs) EXPECT_EQ(q->done_, 5);
  auto never = seq("late", Priority::kInteractive, 1, log);
  EXPECT_FALSE(s->submit({never}));  // stopped
}

TEST(ApiKeys, ConstantTimeEqualAndBearer) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  auto keys = ApiKeys::from_keys({"sk-1", "sk-2"});
  EXPECT_TRUE(keys.authorize("Bearer sk-2"));
  EXPECT_FALSE(keys.authorize("Bearer sk-3"));
  EXPECT_FALSE(keys.authorize("sk-1"));
  EXPECT_FALSE(keys.authorize(""));
  EXPECT_TRUE(ApiKeys{}.authorize(""));
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

class ExpiringSeq : public FakeSeq {
 public:
  using FakeSeq::FakeSeq;
  void on_expired(std::chrono::milliseconds w) override {
    expired = true;
    waited = w;
  }
  bool expired = false;
  std::chrono::milliseconds waited{0};
};

TEST(Scheduler, StartDeadlineDropsWaitersButNeverEvictedOnes) {
  Log log;
  StartDeadlines d{};
  d[static_cast<int>(Priority::kInteractive)] = std::chrono::milliseconds(30);
  d[static_cast<int>(Priority::kBackground)] = std::chrono::milliseconds(30);
  Scheduler s(1, 16, d);
  auto busy = std::make_shared<ExpiringSeq>("busy", Priority::kBackground, 1000, &log);
  auto waiter = std::make_shared<ExpiringSeq>("waiter", Priority::kInteractive, 2, &log);
  ASSERT_TRUE(s.submit({busy}));
  s.run_once();  // busy holds the only slot
  // A critical arrival evicts busy; busy is back in the queue but must not expire.
  auto crit = std::make_shared<ExpiringSeq>("crit", Priority::kCritical, 200, &log);
  ASSERT_TRUE(s.submit({crit}));
  s.run_once();
  EXPECT_EQ(busy->evicted, 1);
  ASSERT_TRUE(s.submit({waiter}));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  s.run_once();
  EXPECT_TRUE(waiter->expired) << "waited past its class's deadline without a slot";
  EXPECT_GE(waiter->waited.count(), 30);
  EXPECT_FALSE(busy->expired) << "an evicted sequence is paused, never failed";
  EXPECT_EQ(s.stats().expired, 1);
  while (s.run_once()) {
  }
  EXPECT_EQ(crit->done_.load(), 200);
  EXPECT_EQ(busy->done_.load(), 1000);
  EXPECT_EQ(waiter->done_.load(), 0);
}

TEST(Scheduler, NoDeadlineForAClassWithZero) {
  Log log;
  Scheduler s(1, 16);  // no deadlines
  auto busy = std::make_shared<ExpiringSeq>("busy", Priority::kInteractive, 3, &log);
  auto waiter = std::make_shared<ExpiringSeq>("waiter", Priority::kInteractive, 1, &log);
  ASSERT_TRUE(s.submit({busy, waiter}));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  while (s.run_once()) {
  }
  EXPECT_FALSE(waiter->expired);
  EXPECT_EQ(waiter->done_.load(), 1);
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ApiKeys, KeyFileLinesMayNameAClass) {
  auto k = ApiKeys::load(write_temp("keys-classes.txt", "# fleet keys\nsk-driver critical\nsk-media\tbackground\nsk-any\n"));
  ASSERT_TRUE(k.ok()) << k.error().message;
  ASSERT_NE(k->find("Bearer sk-driver"), nullptr);
  EXPECT_EQ(k->find("Bearer sk-driver")->priority, Priority::kCritical);
  EXPECT_EQ(k->find("Bearer sk-media")->priority, Priority::kBackground);
  EXPECT_EQ(k->find("Bearer sk-any")->priority, std::nullopt);
  EXPECT_EQ(k->find("Bearer sk-driver critical"), nullptr);
  auto bad = ApiKeys::load(write_temp("keys-bad.txt", "sk-1\nsk-2 urgent\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(":2:"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("urgent"), std::string::npos);
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

class AffineSeq : public FakeSeq {
 public:
  AffineSeq(std::string name, std::vector<int64_t> affinity, Log* log)
      : FakeSeq(std::move(name), Priority::kInteractive, 1, log), affinity_(std::move(affinity)) {}
  int64_t slot_affinity(int slot) const override { return affinity_[static_cast<size_t>(slot)]; }

 private:
  std::vector<int64_t> affinity_;
};

TEST(Scheduler, FreeSlotWithTheHighestAffinityIsChosen) {
  Log log;
  Scheduler s(3, 16);
  ASSERT_TRUE(s.submit({std::make_shared<AffineSeq>("a", std::vector<int64_t>{1, 5, 3}, &log),
                        std::make_shared<AffineSeq>("b", std::vector<int64_t>{0, 9, 2}, &log),
                        std::make_shared<AffineSeq>("c", std::vector<int64_t>{-4, 0, -1}, &log)}));
  s.run_once();
  // a takes slot 1 (5); b then gets its best free one, slot 2 (2 > 0); c the last.
  EXPECT_EQ(names(log), "c@0 a@1 b@2 ");
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

// Submits `next` to `s` during its first step (an arrival while a round is under way).
class ArrivalDuringStep : public FakeSeq {
 public:
  ArrivalDuringStep(Scheduler& s, std::shared_ptr<Sequence> next, Log* log)
      : FakeSeq("a", Priority::kBackground, 3, log), s_(s), next_(std::move(next)) {}
  StepOutcome step(int slot) override {
    if (next_) {
      EXPECT_TRUE(s_.submit({std::move(next_)}));
    }
    next_ = nullptr;
    return FakeSeq::step(slot);
  }

 private:
  Scheduler& s_;
  std::shared_ptr<Sequence> next_;
};

TEST(Scheduler, CriticalArrivalEndsTheRoundEarly) {
  Log log;
  Scheduler s(3, 16);
  auto crit = seq("crit", Priority::kCritical, 1, log);
  ASSERT_TRUE(s.submit({std::make_shared<ArrivalDuringStep>(s, crit, &log), seq("b", Priority::kBackground, 3, log),
                        seq("c", Priority::kBackground, 3, log)}));
  s.run_once();
  EXPECT_EQ(names(log), "a@0 ") << "b and c wait: the critical request is admitted next";
  s.run_once();
  EXPECT_EQ(names(log), "a@0 crit@2 ") << "it took the slot of c (the latest admitted) and runs alone";
}

}  // namespace
}  // namespace onboard::server
