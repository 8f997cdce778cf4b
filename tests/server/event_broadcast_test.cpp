// EventBroadcast: subscribers follow a bounded backlog with their own cursor; producers never block.
#include "server/event_broadcast.h"

#include <gtest/gtest.h>

#include <thread>

namespace onboard::server {
namespace {

TEST(EventBroadcast, EachSubscriberSeesEveryKeptEventOnceInOrder) {
  EventBroadcast b(8);
  b.publish("a", "{\"n\":1}");
  b.publish("b", "{\"n\":2}");
  uint64_t c1 = 0, c2 = 0;
  auto first = b.since(c1, std::chrono::milliseconds(0));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].event, "a");
  EXPECT_EQ(first[1].data, "{\"n\":2}");
  EXPECT_TRUE(b.since(c1, std::chrono::milliseconds(0)).empty()) << "nothing new for this cursor";
  b.publish("c", "{}");
  EXPECT_EQ(b.since(c1, std::chrono::milliseconds(0)).size(), 1u);
  EXPECT_EQ(b.since(c2, std::chrono::milliseconds(0)).size(), 3u) << "a second subscriber has its own cursor";
}

TEST(EventBroadcast, TheBacklogIsBounded) {
  EventBroadcast b(4);
  for (int i = 0; i < 100; ++i) b.publish("e", std::to_string(i));
  uint64_t c = 0;
  const auto kept = b.since(c, std::chrono::milliseconds(0));
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept.front().data, "96");
  EXPECT_EQ(kept.back().data, "99");
}

TEST(EventBroadcast, AWaitingSubscriberWakesOnPublishAndOnClose) {
  EventBroadcast b(4);
  uint64_t c = 0;
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    b.publish("late", "{}");
  });
  const auto got = b.since(c, std::chrono::seconds(10));
  producer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, "late");
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    b.close();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(b.since(c, std::chrono::seconds(10)).empty());
  closer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "close() must wake waiters";
  EXPECT_TRUE(b.closed());
}

}  // namespace
}  // namespace onboard::server
