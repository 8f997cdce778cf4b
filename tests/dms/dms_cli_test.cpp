// `onboard dms` end to end on real pictures and videos: the measures of a frontal photo, the
// warnings of a video without a driver, and clear errors for bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

struct Result {
  int status = -1;
  std::string output;
};

Result run_cli(const std::string& args) {
  Result r;
  const char* cli = std::getenv("ONBOARD_CLI");
  if (!cli) return r;
  FILE* p = popen(("'" + std::string(cli) + "' dms " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

// The number after `key` in the output (NaN when absent).
double number_after(const std::string& out, const std::string& key) {
  const size_t at = out.find(key);
  return at == std::string::npos ? std::nan("") : std::strtod(out.c_str() + at + key.size(), nullptr);
}

class DmsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("ONBOARD_CLI")) GTEST_SKIP() << "ONBOARD_CLI not set (run through ctest)";
  }
};

TEST_F(DmsCli, AFrontalPhotoLooksAheadWithOpenEyes) {
  const std::string photo = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";  // python3-skimage
  if (!std::filesystem::exists(photo)) GTEST_SKIP() << photo << " missing";
  const Result r = run_cli("--image " + photo);
  ASSERT_EQ(r.status, 0) << r.output;
  // Eileen Collins faces the camera, eyes open, lips closed in a smile.
  EXPECT_LT(std::abs(number_after(r.output, "yaw ")), 15) << r.output;
  EXPECT_LT(std::abs(number_after(r.output, "roll ")), 15) << r.output;
  EXPECT_GT(number_after(r.output, "EAR left "), 0.2) << r.output;
  EXPECT_GT(number_after(r.output, "right "), 0.2) << r.output;
  EXPECT_LT(number_after(r.output, "mouth "), 0.3) << r.output;
}

TEST_F(DmsCli, AVideoWithoutADriverWarnsWithTimestamps) {
  const std::string video = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";  // a street scene
  if (!std::filesystem::exists(video)) GTEST_SKIP() << video << " missing";
  const Result fast = run_cli("--video " + video + " --speed 80 --max-frames 120");
  ASSERT_EQ(fast.status, 0) << fast.output;
  // No face counts as looking away: ADDW by 3.5 s above 50 km/h, degraded notice within 10 s.
  EXPECT_LE(number_after(fast.output, "["), 3.5) << fast.output;
  EXPECT_NE(fast.output.find("WARNING distraction"), std::string::npos) << fast.output;
  const size_t degraded = fast.output.find("monitoring_degraded");
  ASSERT_NE(degraded, std::string::npos) << fast.output;
  EXPECT_LE(number_after(fast.output.substr(fast.output.rfind('[', degraded)), "["), 10.0);

  const Result parked = run_cli("--video " + video + " --speed 0 --max-frames 120");
  ASSERT_EQ(parked.status, 0) << parked.output;
  EXPECT_EQ(parked.output.find("WARNING distraction"), std::string::npos) << "no ADDW warning below 20 km/h";
  EXPECT_NE(parked.output.find("monitoring_degraded"), std::string::npos);
}

TEST_F(DmsCli, BadInputGivesAClearError) {
  const Result missing = run_cli("--video /nonexistent/clip.mp4");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("/nonexistent/clip.mp4"), std::string::npos) << missing.output;
  const Result none = run_cli("--speed 50");
  EXPECT_NE(none.status, 0);
  EXPECT_NE(none.output.find("exactly one of"), std::string::npos) << none.output;
  const Result bad_config = run_cli("--image /nonexistent.png --config /nonexistent.json");
  EXPECT_NE(bad_config.status, 0);
  EXPECT_NE(bad_config.output.find("/nonexistent.json"), std::string::npos) << bad_config.output;
}

}  // namespace
