// decide() against the shipped policies (config/gateway/policy-cn.json, policy-eu.json), one
// table row per case of rules R1, R2, R3, R5, R6, R9, R12, R13; and the file's error messages.
#include "gateway/privacy_policy.h"

#include <gtest/gtest.h>

#include <map>

namespace onboard::gateway {
namespace {

PrivacyPolicy shipped(const char* name) {
  auto p = PrivacyPolicy::load(std::string(ONBOARD_SOURCE_DIR) + "/config/gateway/" + name);
  EXPECT_TRUE(p.ok()) << p.error().message;
  PrivacyPolicy policy = p.ok() ? std::move(*p) : PrivacyPolicy{};
  const std::string region = policy.market;
  policy.endpoints = {
      UpstreamEndpoint{"public-api", "http://public", region, "deepseek-chat", IntegrationMode::kPublic, ""},
      UpstreamEndpoint{"oem-private", "http://private", region, "deepseek-chat", IntegrationMode::kPrivate, ""},
  };
  return policy;
}

CategorySet set_of(std::initializer_list<Category> cs) {
  CategorySet s;
  for (Category c : cs) s.add(c);
  return s;
}

struct Case {
  const char* name;
  CategorySet categories, summaries;
  std::vector<Category> consented;  // active consents
  std::string intent, purpose;
  bool user_requested = false;
  bool upstream;          // expected
  const char* endpoint;   // expected when upstream
  const char* rule;       // expected
};

void run(const PrivacyPolicy& policy, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    RequestFacts f;
    f.categories = c.categories;
    f.summaries = c.summaries;
    f.wants_upstream = true;
    f.intent = c.intent;
    f.purpose = c.purpose;
    f.user_requested_service = c.user_requested;
    ConsentLookup lookup = [&](Category cat, const std::string&) -> std::optional<int64_t> {
      for (size_t i = 0; i < c.consented.size(); ++i)
        if (c.consented[i] == cat) return static_cast<int64_t>(100 + i);
      return std::nullopt;
    };
    const Verdict v = decide(policy, f, lookup);
    EXPECT_EQ(v.upstream, c.upstream) << c.name << ": " << v.reason;
    EXPECT_EQ(v.rule, c.rule) << c.name << ": " << v.reason;
    if (c.upstream && v.endpoint) {
      EXPECT_EQ(v.endpoint->name, c.endpoint) << c.name;
    }
    if (!v.upstream) {
      EXPECT_TRUE(v.consent_ids.empty()) << c.name;
    }
  }
}

using C = Category;

TEST(PrivacyPolicy, CnRulesTable) {
  const PrivacyPolicy p = shipped("policy-cn.json");
  run(p, {
      {"R13 plain text goes to the public API", {}, {}, {}, "", "", false, true, "public-api", "R13"},
      {"R13 vehicle state may use the public API", set_of({C::kVehicleState}), {}, {}, "", "", false, true, "public-api", "R13"},
      {"R1 cabin image stays", set_of({C::kCabinImage}), {}, {C::kCabinImage}, "", "", false, false, "", "R1"},
      {"R1 face stays even with consent", set_of({C::kFaceExpression}), {}, {C::kFaceExpression}, "", "", false, false, "", "R1"},
      {"R1 gaze stays", set_of({C::kGaze, C::kVehicleState}), {}, {}, "", "", false, false, "", "R1"},
      {"R1 voiceprint stays", set_of({C::kVoiceprint}), {}, {}, "", "", false, false, "", "R1"},
      {"R1 other biometrics stay", set_of({C::kBiometricOther}), {}, {}, "", "", false, false, "", "R1"},
      {"R1 summary without consent stays", {}, set_of({C::kFaceExpression}), {}, "", "", false, false, "", "R1"},
      {"R1 summary with consent may leave", {}, set_of({C::kFaceExpression}), {C::kFaceExpression}, "", "", false, true, "public-api", "R13"},
      {"R2 audio without consent stays", set_of({C::kVoiceAudio}), {}, {}, "", "asr", false, false, "", "R2"},
      {"R2 audio for another purpose stays", set_of({C::kVoiceAudio}), {}, {C::kVoiceAudio}, "", "summarise", false, false, "", "R2"},
      {"R2+R13 audio for ASR with consent: private only", set_of({C::kVoiceAudio}), {}, {C::kVoiceAudio}, "", "asr", false, true, "oem-private", "R2"},
      {"R3/R6 precise location needs consent", set_of({C::kLocationPrecise}), {}, {}, "", "", false, false, "", "R6"},
      {"R6 location with consent leaves (coarsened)", set_of({C::kLocationPrecise}), {}, {C::kLocationPrecise}, "", "", false, true, "public-api", "R6"},
      {"R6 trajectories never leave", set_of({C::kTrajectory}), {}, {C::kTrajectory}, "", "", false, false, "", "R6"},
      {"R5 exterior image without anonymiser fails closed", set_of({C::kExteriorImage}), {}, {}, "", "", false, false, "", "R5"},
      {"R13 contacts stay on the device", set_of({C::kContactsCalendar}), {}, {C::kContactsCalendar}, "", "", false, false, "", "R13"},
  });
}

TEST(PrivacyPolicy, R6PreciseOnlyForNavigation) {
  const PrivacyPolicy p = shipped("policy-cn.json");
  RequestFacts f;
  f.categories = set_of({C::kLocationPrecise});
  f.wants_upstream = true;
  ConsentLookup yes = [](Category, const std::string&) { return std::optional<int64_t>(7); };
  EXPECT_FALSE(decide(p, f, yes).keep_precise_location);
  f.intent = "navigation";
  const Verdict v = decide(p, f, yes);
  EXPECT_TRUE(v.keep_precise_location);
  EXPECT_EQ(v.consent_ids, std::vector<int64_t>{7});
}

TEST(PrivacyPolicy, R5AnonymiserAvailableAllowsPrivateOnly) {
  const PrivacyPolicy p = shipped("policy-cn.json");
  RequestFacts f;
  f.categories = set_of({C::kExteriorImage});
  f.wants_upstream = true;
  const Verdict v = decide(p, f, [](Category, const std::string&) { return std::nullopt; }, /*anonymiser_available=*/true);
  ASSERT_TRUE(v.upstream);
  EXPECT_EQ(v.endpoint->name, "oem-private");
}

TEST(PrivacyPolicy, R9EndpointOutsideRegionIsRefusedAndLinted) {
  PrivacyPolicy p = shipped("policy-cn.json");
  for (auto& e : p.endpoints) e.region = "US";
  RequestFacts f;
  f.wants_upstream = true;
  const Verdict v = decide(p, f, [](Category, const std::string&) { return std::nullopt; });
  EXPECT_FALSE(v.upstream);
  EXPECT_EQ(v.rule, "R9");
  ASSERT_EQ(p.lint().size(), 2u);
  EXPECT_NE(p.lint()[0].find("region US"), std::string::npos);
}

TEST(PrivacyPolicy, R12EuVehicleDataNeedsConsentUnlessRequested) {
  const PrivacyPolicy p = shipped("policy-eu.json");
  run(p, {
      {"R12 no consent, not requested", set_of({C::kVehicleState}), {}, {}, "", "", false, false, "", "R12"},
      {"R12 consent given", set_of({C::kVehicleState}), {}, {C::kVehicleState}, "", "", false, true, "public-api", "R12"},
      {"R12 strictly necessary for a requested service", set_of({C::kVehicleState}), {}, {}, "", "", true, true, "public-api", "R12"},
      {"plain text", {}, {}, {}, "", "", false, true, "public-api", "R13"},
  });
}

TEST(PrivacyPolicy, LocalByDefault) {
  const PrivacyPolicy p = shipped("policy-cn.json");
  RequestFacts f;  // wants_upstream false
  const Verdict v = decide(p, f, [](Category, const std::string&) { return std::optional<int64_t>(1); });
  EXPECT_FALSE(v.upstream);
  EXPECT_EQ(v.rule, "default-local");
}

TEST(PrivacyPolicy, FileErrorsNameTheField) {
  auto bad = [](const std::string& text) {
    auto p = PrivacyPolicy::parse(text, "p.json");
    return p.ok() ? std::string("(accepted)") : p.error().message;
  };
  EXPECT_NE(bad("{").find("p.json: not valid JSON"), std::string::npos);
  EXPECT_NE(bad(R"({"categories": {"FACE": {}}})").find("categories.FACE"), std::string::npos);
  EXPECT_NE(bad(R"({"categories": {"GAZE": {"local_only": true, "modes": ["public"]}}})").find("local_only"), std::string::npos);
  EXPECT_NE(bad(R"({"max_consent_seconds": 0})").find("max_consent_seconds"), std::string::npos);
  EXPECT_NE(bad(R"({"endpoints": [{"url": "http://x"}]})").find("endpoints[0].region"), std::string::npos);
  EXPECT_NE(bad(R"({"routing": {"timeout_ms": "slow"}})").find("routing.timeout_ms"), std::string::npos);
  // A category the file does not mention is on-device only.
  auto p = PrivacyPolicy::parse(R"({"endpoints": [{"url": "http://x", "region": "CN"}]})", "p.json");
  ASSERT_TRUE(p.ok());
  RequestFacts f;
  f.wants_upstream = true;
  EXPECT_FALSE(decide(*p, f, [](Category, const std::string&) { return std::nullopt; }).upstream);
}

}  // namespace
}  // namespace onboard::gateway
