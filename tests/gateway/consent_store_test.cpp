// R3: consent expires, lapses at ignition unless persistent, is revoked in one call, and the
// API refuses a consent without an end.
#include "gateway/consent_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

namespace onboard::gateway {
namespace {

struct ConsentFixture : ::testing::Test {
  int64_t now = 1'000'000;
  std::string path = std::string(ONBOARD_BINARY_DIR) + "/consent_test_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
  std::unique_ptr<ConsentStore> store;
  void SetUp() override {
    std::filesystem::remove(path);
    auto s = ConsentStore::open(path, 3600, [this] { return now; });
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }
  void TearDown() override {
    store.reset();
    std::filesystem::remove(path);
  }
  bool active(Category c, const std::string& purpose = "") {
    auto a = store->active(c, purpose);
    EXPECT_TRUE(a.ok());
    return a.ok() && a->has_value();
  }
};

TEST_F(ConsentFixture, ExpiryIsRequiredAndEnforced) {
  EXPECT_FALSE(store->grant({Category::kLocationPrecise, 0, false, ""}).ok());
  EXPECT_FALSE(store->grant({Category::kLocationPrecise, -1, false, ""}).ok());
  auto too_long = store->grant({Category::kLocationPrecise, 3601, false, ""});
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("maximum"), std::string::npos);
  auto id = store->grant({Category::kLocationPrecise, 60, false, ""});
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(active(Category::kLocationPrecise));
  EXPECT_FALSE(active(Category::kVoiceAudio));
  now += 60;
  EXPECT_FALSE(active(Category::kLocationPrecise));
}

TEST_F(ConsentFixture, OffAtIgnitionUnlessPersistent) {
  ASSERT_TRUE(store->grant({Category::kLocationPrecise, 600, false, ""}).ok());
  ASSERT_TRUE(store->grant({Category::kVoiceAudio, 600, true, "asr"}).ok());
  ASSERT_TRUE(store->ignition().ok());
  EXPECT_FALSE(active(Category::kLocationPrecise));
  EXPECT_TRUE(active(Category::kVoiceAudio, "asr"));
  EXPECT_FALSE(active(Category::kVoiceAudio, "summarise"));
  // The state survives a restart of the process (a reopened store).
  store.reset();
  auto s = ConsentStore::open(path, 3600, [this] { return now; });
  ASSERT_TRUE(s.ok());
  store = std::move(*s);
  EXPECT_FALSE(active(Category::kLocationPrecise));
  EXPECT_TRUE(active(Category::kVoiceAudio));
}

TEST_F(ConsentFixture, RevokedInOneCallBeforeTheNextRequest) {
  ASSERT_TRUE(store->grant({Category::kLocationPrecise, 600, false, ""}).ok());
  ASSERT_TRUE(store->grant({Category::kLocationPrecise, 900, true, ""}).ok());
  auto n = store->revoke(Category::kLocationPrecise);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(active(Category::kLocationPrecise));
}

TEST_F(ConsentFixture, DeleteAllRemovesEveryRecord) {
  ASSERT_TRUE(store->grant({Category::kLocationPrecise, 600, true, ""}).ok());
  auto n = store->delete_all();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(active(Category::kLocationPrecise));
  auto list = store->list_active();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

// The server's HTTP threads share one store: each grant must return its own row's id (not
// another thread's, read back from the connection after the insert).
TEST_F(ConsentFixture, ConcurrentGrantsEachGetTheirOwnId) {
  constexpr int kThreads = 8, kGrants = 40;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kGrants; ++i) {
        auto id = store->grant({Category::kLocationPrecise, 600, false, "t" + std::to_string(t)});
        if (id.ok()) ids[static_cast<size_t>(t)].push_back(*id);
      }
    });
  for (auto& th : threads) th.join();
  auto list = store->list_active();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), static_cast<size_t>(kThreads * kGrants));
  std::set<int64_t> distinct;
  for (const ConsentRecord& r : *list) {
    const std::string purpose = r.purpose;
    const auto& mine = ids[static_cast<size_t>(std::stoi(purpose.substr(1)))];
    EXPECT_NE(std::find(mine.begin(), mine.end(), r.id), mine.end()) << "row " << r.id << " of " << purpose;
    distinct.insert(r.id);
  }
  size_t returned = 0;
  for (const auto& v : ids) returned += v.size();
  EXPECT_EQ(returned, static_cast<size_t>(kThreads * kGrants));
  EXPECT_EQ(distinct.size(), returned);
}

}  // namespace
}  // namespace onboard::gateway
