// `onboard serve` with the gateway flags: a bad policy file, a missing key file and an unknown
// mode are one clear error line each, before any socket is opened.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace {

struct CliRun {
  int rc = 0;
  std::string out;
};

CliRun run(const std::string& args) {
  const char* cli = std::getenv("ONBOARD_CLI");
  CliRun r;
  std::FILE* p = popen((std::string(cli) + " serve -m " ONBOARD_FIXTURES_DIR "/models/tiny-qwen2.gguf --port 0 " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) r.out += buf.data();
  const int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ServeGatewayCli, BadConfigurationIsOneClearError) {
  if (!std::getenv("ONBOARD_CLI")) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
  const std::string dir = ONBOARD_BINARY_DIR;
  std::ofstream(dir + "/bad-policy.json") << R"({"categories": {"GAZE": {"local_only": true, "modes": ["public"]}}})";
  struct Row {
    std::string args, message;
  };
  const Row rows[] = {
      {"--policy /no/such/policy.json", "/no/such/policy.json: cannot open the policy file"},
      {"--policy " + dir + "/bad-policy.json", "categories.GAZE: a local_only category cannot list cloud modes"},
      {"--upstream http://127.0.0.1:1/v1 --upstream-key-file /no/such/key", "/no/such/key: cannot read the upstream key"},
      {"--upstream http://127.0.0.1:1/v1 --upstream-mode cloud", "--upstream-mode"},
  };
  for (const Row& r : rows) {
    const CliRun got = run(r.args + " --gateway-dir " + dir + "/serve-cli-gateway");
    EXPECT_NE(got.rc, 0) << r.args;
    EXPECT_NE(got.out.find(r.message), std::string::npos) << r.args << "\n" << got.out;
  }
}

}  // namespace
