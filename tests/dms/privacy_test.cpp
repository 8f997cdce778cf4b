// R7, privacy by construction: while `onboard dms` runs on a video no file is created or
// written and no socket is opened (checked under strace); the DMS code cannot reach the network
// or the language model (its include closure); it remembers measurements only, in a fixed ring.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dms/driver_monitor.h"
#include "dms/recent_ring.h"

namespace onboard::dms {
namespace {

namespace fs = std::filesystem;
const std::string kVideo = "/usr/share/doc/opencv-doc/examples/data/Megamind.avi";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The strace lines that create, write, remove or rename a file, or open a socket. Writes to
// /dev (the terminal, /dev/null) are not storage.
std::vector<std::string> writes_and_sockets(const std::string& log) {
  std::vector<std::string> bad;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto has = [&](const char* s) { return line.find(s) != std::string::npos; };
    if (has("socket(") || has("connect(") || has("bind(") || has("creat(") || has("rename") || has("unlink") ||
        has("mkdir") || has("truncate(") || has("link(")) {
      bad.push_back(line);
    } else if ((has("open(") || has("openat(") || has("openat2(")) &&
               (has("O_WRONLY") || has("O_RDWR") || has("O_CREAT") || has("O_TRUNC")) && !has("\"/dev/")) {
      bad.push_back(line);
    }
  }
  return bad;
}

struct Traced {
  int status = -1;
  std::string trace, output;
};

Traced run_traced(const std::string& args, const fs::path& dir) {
  const char* cli = std::getenv("ONBOARD_CLI");
  Traced t;
  if (!cli) return t;
  const fs::path log = dir / "strace.log", out = dir / "stdout.txt";
  // LeakSanitizer cannot run under ptrace (it aborts the traced CLI in the ASan build); leaks
  // are checked by every other test of that build.
  const std::string cmd = "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f -qq -e trace=open,openat,creat,socket,connect,bind,rename,renameat,renameat2,unlink,unlinkat,"
                          "mkdir,mkdirat,truncate,ftruncate,link,linkat,symlink,symlinkat -o '" + log.string() + "' '" + cli +
                          "' dms " + args + " > '" + out.string() + "' 2>&1";
  t.status = std::system(cmd.c_str());
  t.trace = read_text(log);
  t.output = read_text(out);
  return t;
}

class DmsPrivacy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("ONBOARD_CLI")) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
    if (std::system("strace -V > /dev/null 2>&1") != 0) GTEST_SKIP() << "strace not installed (scripts/install-deps.sh)";
    if (!fs::exists(kVideo)) GTEST_SKIP() << kVideo << " missing (Debian opencv-doc)";
    char tmpl[] = "/tmp/dms-privacy-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(DmsPrivacy, RunningOnAVideoCreatesNoFileAndOpensNoSocket) {
  const Traced t = run_traced("--video '" + kVideo + "' --speed 80 --max-frames 90", dir_);
  ASSERT_EQ(t.status, 0) << t.output;
  // The trace is real: it saw the video and the models being read, and the faces were found.
  EXPECT_NE(t.trace.find("Megamind.avi"), std::string::npos);
  EXPECT_NE(t.trace.find("face_detection_short_range.tflite"), std::string::npos);
  EXPECT_NE(t.output.find("90 frames"), std::string::npos) << t.output;
  EXPECT_EQ(t.output.find("face in 0"), std::string::npos) << t.output;
  const auto bad = writes_and_sockets(t.trace);
  EXPECT_TRUE(bad.empty()) << bad.size() << " write/socket calls, first: " << (bad.empty() ? "" : bad[0]);
  // Nothing new appeared beside the trace and the captured output.
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(dir_)) files.insert(e.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"strace.log", "stdout.txt"}));
}

TEST_F(DmsPrivacy, TheCheckSeesTheOneFileTheUserAsksFor) {
  // --out is the only way to make the DMS write: the same check must catch it.
  const fs::path out = dir_ / "annotated.avi";
  const Traced t = run_traced("--video '" + kVideo + "' --max-frames 5 --out '" + out.string() + "'", dir_);
  ASSERT_EQ(t.status, 0) << t.output;
  const auto bad = writes_and_sockets(t.trace);
  ASSERT_FALSE(bad.empty());
  for (const auto& line : bad) EXPECT_NE(line.find(out.string()), std::string::npos) << line;
  EXPECT_TRUE(fs::exists(out));
}

TEST(DmsPrivacyUnit, ParsesStraceLinesOfEveryKind) {
  EXPECT_EQ(writes_and_sockets("1 openat(AT_FDCWD, \"/a\", O_RDONLY|O_CLOEXEC) = 3\n"
                               "1 openat(AT_FDCWD, \"/dev/null\", O_WRONLY) = 4\n").size(), 0u);
  EXPECT_EQ(writes_and_sockets("1 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3\n").size(), 1u);
  EXPECT_EQ(writes_and_sockets("1 openat(AT_FDCWD, \"/tmp/x\", O_RDWR|O_CREAT, 0600) = 3\n").size(), 1u);
  EXPECT_EQ(writes_and_sockets("1 unlink(\"/tmp/x\") = 0\n").size(), 1u);
}

// Every header the DMS sources reach inside src/, following quoted includes.
std::set<std::string> dms_include_closure(std::set<std::string>* system_headers) {
  const fs::path src = fs::path(ONBOARD_SOURCE_DIR) / "src";
  std::vector<std::string> todo;
  for (const auto& e : fs::directory_iterator(src / "dms")) todo.push_back("dms/" + e.path().filename().string());
  std::set<std::string> seen;
  while (!todo.empty()) {
    const std::string rel = todo.back();
    todo.pop_back();
    if (!seen.insert(rel).second) continue;
    std::istringstream in(read_text(src / rel));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#include", 0) != 0) continue;
      const auto q = line.find('"'), a = line.find('<');
      if (q != std::string::npos) {
        const std::string inc = line.substr(q + 1, line.find('"', q + 1) - q - 1);
        if (fs::exists(src / inc)) todo.push_back(inc);
      } else if (a != std::string::npos) {
        system_headers->insert(line.substr(a + 1, line.find('>', a) - a - 1));
      }
    }
  }
  return seen;
}

TEST(DmsPrivacyUnit, TheDmsCodeCannotReachTheNetworkOrTheLanguageModel) {
  std::set<std::string> system;
  const auto ours = dms_include_closure(&system);
  EXPECT_GT(ours.size(), 10u);  // the closure was followed (dms, vision, core)
  EXPECT_TRUE(ours.count("vision/face_pipeline.h"));
  for (const auto& h : ours)
    for (const char* banned : {"server/", "gateway/", "api/", "runtime/", "model/", "text/", "cockpit/"})
      EXPECT_NE(h.rfind(banned, 0), 0u) << h << " pulls " << banned << " into the DMS";
  for (const auto& h : system)
    for (const char* banned : {"sys/socket", "netinet/", "arpa/", "netdb", "httplib", "curl", "grpc", "zmq", "mosquitto"})
      EXPECT_EQ(h.find(banned), std::string::npos) << "the DMS includes <" << h << ">";
}

TEST(DmsPrivacyUnit, MemoryIsAFixedRingOfMeasurementsWithoutPixels) {
  RecentRing<DmsFrame> ring(5);
  for (int i = 0; i < 1000; ++i) {
    DmsFrame f;
    f.t_s = i;
    ring.push(f);
  }
  EXPECT_EQ(ring.size(), 5u);
  EXPECT_EQ(ring.capacity(), 5u);
  EXPECT_EQ(ring[0].t_s, 995);
  EXPECT_EQ(ring[4].t_s, 999);
  // A remembered frame is a few hundred bytes of numbers: no image can hide in it.
  EXPECT_LT(sizeof(DmsFrame), 512u);
}

}  // namespace
}  // namespace onboard::dms
