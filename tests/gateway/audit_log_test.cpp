// The audit log: SHA-256 against FIPS 180-2 vectors, append-only, and a chain that names the
// first row someone edited, removed or forged (in the library and through `onboard audit`).
#include "gateway/audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>

namespace onboard::gateway {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

struct AuditFixture : ::testing::Test {
  std::string path = std::string(ONBOARD_BINARY_DIR) + "/audit_test_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
  std::unique_ptr<AuditLog> log;
  void SetUp() override {
    std::filesystem::remove(path);
    auto l = AuditLog::open(path);
    ASSERT_TRUE(l.ok()) << l.error().message;
    log = std::move(*l);
    for (int i = 0; i < 5; ++i) {
      AuditEntry e;
      e.event = "route";
      e.tags = i % 2 ? "LOCATION_PRECISE" : "NONE";
      e.rule = i % 2 ? "R6" : "R13";
      e.destination = i % 2 ? "local" : "deepseek@CN";
      e.bytes_in = 100 + i;
      e.in_sha256 = sha256_hex(std::to_string(i));
      ASSERT_TRUE(log->append(e).ok());
    }
  }
  void TearDown() override {
    log.reset();
    std::filesystem::remove(path);
  }
  // Edits the file behind the library's back, as an attacker with file access would.
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const std::string all = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; " + sql;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
};

TEST_F(AuditFixture, ChainVerifies) {
  auto v = log->verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->rows, 5);
  auto rows = log->entries();
  ASSERT_TRUE(rows.ok());
  for (size_t i = 1; i < rows->size(); ++i) EXPECT_EQ((*rows)[i].prev_hash, (*rows)[i - 1].hash);
}

TEST_F(AuditFixture, UpdatesAndDeletesAreRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit SET rule = 'R13' WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto v = log->verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
}

TEST_F(AuditFixture, ModifiedRowIsDetected) {
  tamper("UPDATE audit SET destination = 'local' WHERE seq = 3;");
  auto v = log->verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->problem.find("modified"), std::string::npos);
}

TEST_F(AuditFixture, RemovedRowIsDetected) {
  tamper("DELETE FROM audit WHERE seq = 2;");
  auto v = log->verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_F(AuditFixture, RehashedRowStillBreaksTheNextLink) {
  // A forger who recomputes the edited row's own hash still breaks the row after it.
  auto rows = log->entries();
  ASSERT_TRUE(rows.ok());
  tamper("UPDATE audit SET destination = 'local', hash = '" + std::string(64, 'a') + "' WHERE seq = 2;");
  auto v = log->verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 2);
}

TEST_F(AuditFixture, CliVerifiesAndReportsTampering) {
  const char* cli = std::getenv("ONBOARD_CLI");
  if (!cli) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
  log.reset();
  const std::string cmd = std::string(cli) + " audit --verify --db " + path + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  tamper("UPDATE audit SET bytes_in = 1 WHERE seq = 4;");
  const int rc = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
}

}  // namespace
}  // namespace onboard::gateway
