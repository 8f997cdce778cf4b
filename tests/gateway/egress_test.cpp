// The egress point's second line of defence, the circuit breaker, and request classification
// by content part and tag.
#include <gtest/gtest.h>

#include "gateway/circuit_breaker.h"
#include "gateway/egress.h"
#include "gateway/request_classifier.h"

namespace onboard::gateway {
namespace {

using ojson = nlohmann::ordered_json;

TEST(EgressCheck, RefusesWhatMayNotLeave) {
  EgressGuard g;
  g.forbidden = {"SECRETFRAME"};
  struct Row {
    const char* body;
    bool allowed;
  };
  const Row rows[] = {
      {R"({"messages":[{"role":"user","content":"call [PHONE_CN_1]"}]})", true},
      {R"({"messages":[{"role":"user","content":"call 13812345678"}]})", false},
      {R"({"messages":[{"role":"user","content":"mail a.b@example.com"}]})", false},
      {R"({"messages":[{"role":"user","content":"x SECRETFRAME y"}]})", false},
      {R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/y.jpg"}}]}]})", false},
      {R"({"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA"}}]}]})", false},
      {R"({"messages":[{"role":"user","content":"at 31.230416, 121.473701"}]})", false},
      {R"({"messages":[{"role":"user","content":"at 31.230, 121.474"}]})", true},
      {R"({"messages":[{"role":"user","content":"say \"image\" twice"}]})", true},
  };
  for (const Row& r : rows) EXPECT_EQ(Egress::check(r.body, g).ok(), r.allowed) << r.body;
  g.audio_allowed = true;
  g.precise_location_allowed = true;
  EXPECT_TRUE(Egress::check(R"({"content":[{"type":"input_audio","input_audio":{"data":"AAAA"}}]})", g).ok());
  EXPECT_TRUE(Egress::check(R"({"content":"at 31.230416, 121.473701"})", g).ok());
}

TEST(EgressPost, RefusalSendsNothingAndDeadUpstreamIsAnError) {
  Egress e;
  UpstreamEndpoint ep{"dead", "http://127.0.0.1:1/v1", "CN", "m", IntegrationMode::kPublic, ""};
  auto refused = e.post(ep, "/chat/completions", R"({"content":"13812345678"})", EgressGuard{}, 200);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.sent(), 0);
  EXPECT_EQ(e.refused(), 1);
  auto dead = e.post(ep, "/chat/completions", R"({"content":"hi"})", EgressGuard{}, 200);
  ASSERT_FALSE(dead.ok());
  EXPECT_EQ(dead.error().code, ErrorCode::kIo);
}

TEST(CircuitBreaker, OpensAfterFailuresAndTriesOnceAfterCooldown) {
  CircuitBreaker b(3, std::chrono::milliseconds(1000));
  const auto t0 = CircuitBreaker::Clock::now();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(b.allow(t0));
    b.record_failure(t0);
  }
  EXPECT_TRUE(b.allow(t0));
  b.record_failure(t0);
  EXPECT_FALSE(b.allow(t0 + std::chrono::milliseconds(999)));
  const auto later = t0 + std::chrono::milliseconds(1001);
  EXPECT_TRUE(b.allow(later));   // the one trial call
  EXPECT_FALSE(b.allow(later));  // nobody else meanwhile
  b.record_failure(later);
  EXPECT_FALSE(b.allow(later + std::chrono::milliseconds(500)));
  EXPECT_TRUE(b.allow(later + std::chrono::milliseconds(1001)));
  b.record_success();
  EXPECT_TRUE(b.allow(later + std::chrono::milliseconds(1002)));
  EXPECT_TRUE(b.allow(later + std::chrono::milliseconds(1002)));
}

TEST(Classifier, CategoriesFromPartsTagsAndText) {
  struct Row {
    const char* name;
    ojson body;
    std::string header;
    std::string want;  // CategorySet::names()
  };
  const std::vector<Row> rows = {
      {"plain text", {{"messages", {{{"role", "user"}, {"content", "hello"}}}}}, "", "NONE"},
      {"image → cabin", {{"messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}, {"image_url", {{"url", "x"}}}}}}}}}}, "", "CABIN_IMAGE"},
      {"input_image → cabin", {{"messages", {{{"role", "user"}, {"content", {{{"type", "input_image"}, {"image_url", "x"}}}}}}}}, "", "CABIN_IMAGE"},
      {"exterior tag", {{"messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}, {"onboard_tag", "EXTERIOR_IMAGE"}, {"image_url", {{"url", "x"}}}}}}}}}}, "", "EXTERIOR_IMAGE"},
      {"audio", {{"messages", {{{"role", "user"}, {"content", {{{"type", "input_audio"}, {"input_audio", {{"data", "x"}}}}}}}}}}, "", "VOICE_AUDIO"},
      {"unknown media is strictest", {{"messages", {{{"role", "user"}, {"content", {{{"type", "video"}, {"video", "x"}}}}}}}}, "", "BIOMETRIC_OTHER"},
      {"coordinates", {{"messages", {{{"role", "user"}, {"content", "at 31.230416, 121.473701"}}}}}, "", "LOCATION_PRECISE"},
      {"header tags", {{"messages", {{{"role", "user"}, {"content", "x"}}}}}, "GAZE, VEHICLE_STATE", "GAZE,VEHICLE_STATE"},
      {"request tags", {{"onboard", {{"data_tags", {"CONTACTS/CALENDAR"}}}}, {"prompt", "x"}}, "", "CONTACTS/CALENDAR"},
      {"message tags", {{"messages", {{{"role", "user"}, {"content", "x"}, {"onboard_tags", {"VOICEPRINT"}}}}}}, "", "VOICEPRINT"},
  };
  for (const Row& r : rows) {
    auto c = classify(r.body, r.header);
    ASSERT_TRUE(c.ok()) << r.name << ": " << c.error().message;
    EXPECT_EQ(c->facts.categories.names(), r.want) << r.name;
  }
  auto summary = classify({{"messages", {{{"role", "user"}, {"content", "x"}, {"onboard_tags", {"FACE_EXPRESSION:summary"}}}}}}, "");
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->facts.categories.empty());
  EXPECT_EQ(summary->facts.summaries.names(), "FACE/EXPRESSION");
  auto ids = classify({{"prompt", "call 13812345678 or 13912345678, mail a@b.cn"}}, "");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->identifier_names(), "PHONE_CNx2,EMAILx1");
}

TEST(Classifier, BadTagsNameWhere) {
  auto bad = [](const ojson& body, const std::string& header) {
    auto c = classify(body, header);
    return c.ok() ? std::string("(accepted)") : c.error().message;
  };
  EXPECT_NE(bad({{"prompt", "x"}}, "FACE").find("X-Onboard-Data-Tags"), std::string::npos);
  EXPECT_NE(bad({{"onboard", {{"data_tags", "GAZE"}}}}, "").find("onboard.data_tags"), std::string::npos);
  EXPECT_NE(bad({{"messages", {{{"role", "user"}, {"onboard_tags", {"GAZE:raw"}}}}}}, "").find("messages[0].onboard_tags"), std::string::npos);
  EXPECT_NE(bad({{"onboard", {{"route", "cloud"}}}}, "").find("onboard.route"), std::string::npos);
}

}  // namespace
}  // namespace onboard::gateway
