// `onboard vehicle` as a process: it serves the simulated vehicle as a KUKSA.val v2 broker that
// a KuksaClient drives (the window moves on its own, in real time), and stops on SIGTERM.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "cockpit/kuksa_client.h"
#include "vehicle_behaviour.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

// The child's pid and the first line it printed.
struct Child {
  pid_t pid = -1;
  std::string first_line;
};

Child spawn(const std::string& cli, std::vector<std::string> args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv{const_cast<char*>(cli.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(cli.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  Child c{pid, ""};
  char ch = 0;
  while (read(fds[0], &ch, 1) == 1 && ch != '\n') c.first_line += ch;
  close(fds[0]);
  return c;
}

TEST(VehicleCli, ServesTheSimulatedVehicleOverKuksa) {
  const char* cli = std::getenv("ONBOARD_CLI");
  if (!cli) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
  Child child = spawn(cli, {"vehicle", "--port", "0"});
  ASSERT_GT(child.pid, 0);
  // "onboard: KUKSA.val v2 databroker on 127.0.0.1:PORT (…)"
  const auto at = child.first_line.find("127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << child.first_line;
  const int port = std::atoi(child.first_line.c_str() + at + 10);
  ASSERT_GT(port, 0) << child.first_line;
  EXPECT_NE(child.first_line.find("1263 VSS signals"), std::string::npos) << child.first_line;
  {
    auto client = make_kuksa_client("127.0.0.1:" + std::to_string(port), release_vss_tree());
    ASSERT_TRUE(client.ok()) << client.error().message;
    Vehicle& v = **client;
    const std::string window = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position";
    Recorder rec;
    ASSERT_TRUE(v.subscribe({window}, rec.callback()).ok());
    ASSERT_TRUE(v.actuate(window, VssValue{uint64_t{30}}).ok());
    EXPECT_TRUE(rec.wait_for(window, VssValue{uint64_t{30}}, std::chrono::seconds(10)));
    auto sensor = v.actuate("Vehicle.Speed", VssValue{50.0});
    ASSERT_FALSE(sensor.ok());
    EXPECT_EQ(sensor.error().code, ErrorCode::kInvalidArgument);
  }
  kill(child.pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(VehicleCli, BadVssFileIsNamed) {
  const char* cli = std::getenv("ONBOARD_CLI");
  if (!cli) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
  std::FILE* p = popen((std::string(cli) + " vehicle --port 0 --vss /nonexistent/vss.json 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(out.find("/nonexistent/vss.json"), std::string::npos) << out;
}

}  // namespace
}  // namespace onboard::cockpit
