// The gateway end to end: `onboard serve`'s HttpServer on the tiny fixture model with the
// Gateway as its router, in front of a capturing fake upstream on 127.0.0.1 (cpp-httplib).
// A seeded stream of requests mixes every category; the fake must never see a local-only
// item or a raw identifier, permitted requests must reach it and come back restored, the
// audit log must hold no secret and verify, and a slow or dead upstream must give a local
// answer within the deadline, never a 5xx.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "gateway/gateway.h"
#include "gateway/text_detectors.h"
#include "server/http_server.h"

namespace onboard::gateway {
namespace {

// True when s holds digits '.' and then four or more digits (a coordinate finer than R6 allows).
// A plain scan: std::regex trips g++ 12's maybe-uninitialized warning under ASan.
bool has_number_with_4_decimals(const std::string& s) {
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] != '.' || !digit(i - 1)) continue;
    size_t n = 0;
    while (digit(i + 1 + n)) ++n;
    if (n >= 4) return true;
  }
  return false;
}

using ojson = nlohmann::ordered_json;

// An OpenAI-compatible upstream that records every body it receives and answers with the
// last user message's text (so placeholders it was sent come back for restoring).
struct FakeUpstream {
  enum class Mode { kEcho, kSlow, kError };
  httplib::Server svr;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::vector<std::string> received;
  std::atomic<Mode> mode{Mode::kEcho};

  FakeUpstream() {
    svr.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu);
        received.push_back(req.body);
        for (const auto& h : req.headers) received.back() += "\n" + h.first + ": " + h.second;
      }
      if (mode == Mode::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(3000));
      if (mode == Mode::kError) {
        res.status = 500;
        res.set_content("{\"error\":{\"message\":\"boom\"}}", "application/json");
        return;
      }
      const ojson body = ojson::parse(req.body);
      std::string echo;
      for (const auto& m : body["messages"])
        if (m["role"] == "user") echo = m["content"].is_string() ? m["content"].get<std::string>() : m["content"].dump();
      if (body.value("stream", false)) {
        // 3-byte deltas: placeholders arrive split over chunks.
        std::string sse;
        for (size_t i = 0; i < echo.size(); i += 3) {
          ojson chunk = {{"id", "up"}, {"object", "chat.completion.chunk"},
                         {"choices", {{{"index", 0}, {"delta", {{"content", echo.substr(i, 3)}}}, {"finish_reason", nullptr}}}}};
          sse += "data: " + chunk.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
        }
        sse += "data: " + ojson{{"id", "up"}, {"choices", {{{"index", 0}, {"delta", ojson::object()}, {"finish_reason", "stop"}}}}}.dump() + "\n\n";
        sse += "data: [DONE]\n\n";
        res.set_content(sse, "text/event-stream");
        return;
      }
      ojson answer = {{"id", "up"}, {"object", "chat.completion"}, {"model", body["model"]},
                      {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", echo}}}, {"finish_reason", "stop"}}}}};
      res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
    });
    port = svr.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { svr.listen_after_bind(); });
  }
  ~FakeUpstream() { stop(); }
  void stop() {
    svr.stop();
    if (thread.joinable()) thread.join();
  }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu);
    return received;
  }
};

struct GatewayEndToEnd : ::testing::Test {
  std::unique_ptr<FakeUpstream> upstream = std::make_unique<FakeUpstream>();
  std::string dir = std::string(ONBOARD_BINARY_DIR) + "/gateway_e2e_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::shared_ptr<Gateway> gateway;
  std::unique_ptr<server::HttpServer> http;
  std::thread serving;
  int port = 0;
  std::string endpoint_region = "CN";

  void start() {
    std::filesystem::remove_all(dir);
    auto policy = PrivacyPolicy::load(std::string(ONBOARD_SOURCE_DIR) + "/config/gateway/policy-cn.json");
    ASSERT_TRUE(policy.ok()) << policy.error().message;
    policy->endpoints.push_back(UpstreamEndpoint{"fake", "http://127.0.0.1:" + std::to_string(upstream->port) + "/v1",
                                                 endpoint_region, "deepseek-chat", IntegrationMode::kPublic, "sk-test-KEY"});
    policy->timeout_ms = 2000;
    GatewayOptions go;
    go.policy = std::move(*policy);
    go.state_dir = dir;
    go.local_model_ids = {"tiny"};
    auto g = Gateway::create(std::move(go));
    ASSERT_TRUE(g.ok()) << g.error().message;
    gateway = std::move(*g);

    server::ServedModelOptions mo;
    mo.id = "tiny";
    mo.n_ctx = 512;
    mo.n_batch = 64;
    mo.n_slots = 2;
    mo.kv_type = GgmlType::F32;
    auto m = server::ServedModel::create(std::string(ONBOARD_FIXTURES_DIR) + "/models/tiny-qwen2.gguf", mo);
    ASSERT_TRUE(m.ok()) << m.error().message;
    std::vector<std::unique_ptr<server::ServedModel>> models;
    models.push_back(std::move(*m));
    server::ServerOptions so;
    so.port = 0;
    so.http_threads = 8;
    so.router = gateway;
    http = std::make_unique<server::HttpServer>(std::move(models), server::ApiKeys{}, so);
    auto p = http->bind();
    ASSERT_TRUE(p.ok()) << p.error().message;
    port = *p;
    serving = std::thread([this] { (void)http->listen(); });
  }
  void TearDown() override {
    if (http) http->stop();
    if (serving.joinable()) serving.join();
    http.reset();
    gateway.reset();
    upstream->stop();
    std::filesystem::remove_all(dir);
  }
  httplib::Result post(const std::string& path, const ojson& body, httplib::Headers headers = {}) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c.Post(path.c_str(), headers, body.dump(), "application/json");
  }
  httplib::Result chat(const ojson& body, httplib::Headers headers = {}) { return post("/v1/chat/completions", body, headers); }
};

ojson user(const ojson& content) { return ojson::array({{{"role", "user"}, {"content", content}}}); }

// Text with identifiers of every detector kind (all but coordinates are placeholdered).
const std::vector<std::string> kIdentifiers = {
    "13812345678", "+44 20 7946 0958", "11010519491231002X", "E12345678", "沪AD12345", "1M8GDM9AXKP042788",
    "zhang.wei@163.com", "6212262201023557228", "南京西路1266号",
};

TEST_F(GatewayEndToEnd, FuzzedMixedStreamLeaksNothingAndRestoresAnswers) {
  start();
  std::mt19937 rng(20261123);
  const std::string image_b64 = "data:image/jpeg;base64,/9j/SECRETCABINFRAMEAAQSkZJRgABAQAAAQABAAD";
  const std::string audio_b64 = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAVOICESECRET";
  const std::string face_text = "driver smiling, eyes closed 40% SECRETFACE";
  const std::string precise = "31.230416, 121.473701";
  std::vector<std::string> secrets = {image_b64, audio_b64, face_text, precise, "121.473701", "sk-test-KEY"};
  for (const auto& id : kIdentifiers) secrets.push_back(id);

  int expected_upstream = 0, sent = 0, restored = 0;
  for (int i = 0; i < 60; ++i) {
    const int kind = static_cast<int>(rng() % 8);
    const std::string ident = kIdentifiers[rng() % kIdentifiers.size()];
    const std::string ident2 = kIdentifiers[rng() % kIdentifiers.size()];
    ojson body = {{"model", "deepseek-chat"}, {"max_tokens", 3}, {"temperature", 0}};
    httplib::Headers headers;
    bool permitted = false;
    std::string text = "please call " + ident + " then write to " + ident2;
    switch (kind) {
      case 0:  // text with identifiers: may leave redacted
        body["messages"] = user(text);
        permitted = true;
        break;
      case 1:  // a cabin image (R1)
        body["messages"] = user(ojson::array({{{"type", "text"}, {"text", text}}, {{"type", "image_url"}, {"image_url", {{"url", image_b64}}}}}));
        break;
      case 2:  // audio without consent (R2)
        body["messages"] = user(ojson::array({{{"type", "text"}, {"text", "transcribe"}}, {{"type", "input_audio"}, {"input_audio", {{"data", audio_b64}, {"format", "wav"}}}}}));
        body["onboard"] = {{"purpose", "asr"}};
        break;
      case 3:  // derived from a face, tagged on the message (R1, no consent)
        body["messages"] = ojson::array({{{"role", "user"}, {"content", face_text}, {"onboard_tags", {"FACE/EXPRESSION"}}}});
        break;
      case 4:  // precise location without consent (R3/R6)
        body["messages"] = user("I am at " + precise + ", find coffee");
        break;
      case 5:  // contacts tagged by header (R13: on-device)
        body["messages"] = user("my contacts: " + ident);
        headers.emplace("X-Onboard-Data-Tags", "CONTACTS_CALENDAR");
        break;
      case 6:  // a trajectory tagged in the request (R6)
        body["messages"] = user("route so far " + ident);
        body["onboard"] = {{"data_tags", {"TRAJECTORY"}}};
        break;
      default:  // plain text, explicitly local
        body["messages"] = user(text);
        body["onboard"] = {{"route", "local"}};
    }
    auto res = chat(body, headers);
    ASSERT_TRUE(res) << "request " << i;
    EXPECT_LT(res->status, 500) << "request " << i << ": " << res->body;
    const std::string route = res->get_header_value("X-Onboard-Route");
    ++sent;
    if (permitted) {
      ++expected_upstream;
      EXPECT_EQ(route, "upstream") << "request " << i;
      const ojson answer = ojson::parse(res->body);
      // The fake echoed the redacted text; the car gets the identifiers back.
      EXPECT_EQ(answer["choices"][0]["message"]["content"], text) << "request " << i;
      restored += answer["choices"][0]["message"]["content"] == text;
    } else {
      EXPECT_NE(route, "upstream") << "request " << i << " kind " << kind;
    }
  }
  const auto bodies = upstream->bodies();
  EXPECT_EQ(static_cast<int>(bodies.size()), expected_upstream);
  EXPECT_GT(expected_upstream, 0);
  EXPECT_EQ(restored, expected_upstream);
  for (const auto& b : bodies) {
    for (const auto& s : secrets) {
      if (s == "sk-test-KEY") continue;  // the key goes in the Authorization header by design
      EXPECT_EQ(b.find(s), std::string::npos) << "leaked: " << s;
    }
    EXPECT_TRUE(detect_identifiers(b.substr(0, b.find('\n'))).empty()) << b;
    EXPECT_NE(b.find("Authorization: Bearer sk-test-KEY"), std::string::npos);
  }

  // R11: the audit log names decisions but carries no payload; its chain verifies.
  auto rows = gateway->audit().entries();
  ASSERT_TRUE(rows.ok());
  EXPECT_GE(static_cast<int>(rows->size()), sent);
  std::ifstream db(dir + "/audit.db", std::ios::binary);
  std::stringstream raw;
  raw << db.rdbuf();
  for (const auto& s : secrets) EXPECT_EQ(raw.str().find(s), std::string::npos) << "audit holds: " << s;
  auto v = gateway->audit().verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->rows, static_cast<int64_t>(rows->size()));
}

TEST_F(GatewayEndToEnd, StreamedUpstreamAnswerIsRestoredAcrossSplitPlaceholders) {
  start();
  const std::string text = "call 13812345678 and mail zhang.wei@163.com";
  auto res = chat({{"model", "deepseek-chat"}, {"stream", true}, {"messages", user(text)}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("X-Onboard-Route"), "upstream");
  std::string content;
  std::istringstream lines(res->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("data: {", 0) != 0) continue;
    const ojson c = ojson::parse(line.substr(6));
    const auto& d = c["choices"][0]["delta"];
    if (d.contains("content") && d["content"].is_string()) content += d["content"].get<std::string>();
  }
  EXPECT_EQ(content, text);
  ASSERT_EQ(upstream->bodies().size(), 1u);
  EXPECT_EQ(upstream->bodies()[0].find("13812345678"), std::string::npos);
}

TEST_F(GatewayEndToEnd, ConsentGrantCoarsensThenRevokeKeepsLocal) {
  start();
  // R3: the API refuses a consent without an end, or beyond the maximum.
  EXPECT_EQ(post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}})->status, 400);
  EXPECT_EQ(post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}, {"duration_s", 0}})->status, 400);
  EXPECT_EQ(post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}, {"duration_s", 100000000}})->status, 400);
  const ojson req = {{"model", "deepseek-chat"}, {"max_tokens", 3}, {"messages", user("I am at 31.230416, 121.473701, find coffee")}};
  EXPECT_EQ(chat(req)->get_header_value("X-Onboard-Rule"), "R6");
  auto granted = post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}, {"duration_s", 600}});
  ASSERT_EQ(granted->status, 200) << granted->body;
  auto res = chat(req);
  EXPECT_EQ(res->get_header_value("X-Onboard-Route"), "upstream");
  ASSERT_EQ(upstream->bodies().size(), 1u);
  // R6: no number with more than 3 decimals left the car.
  EXPECT_FALSE(has_number_with_4_decimals(upstream->bodies()[0])) << upstream->bodies()[0];
  EXPECT_NE(upstream->bodies()[0].find("31.230, 121.474"), std::string::npos);
  // One call revokes; the very next request stays local.
  httplib::Client c("127.0.0.1", port);
  auto revoked = c.Delete("/v1/gateway/consent/LOCATION_PRECISE");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 200);
  res = chat(req);
  EXPECT_EQ(res->get_header_value("X-Onboard-Route"), "local");
  EXPECT_EQ(upstream->bodies().size(), 1u);
  // Ignition: a non-persistent consent lapses.
  ASSERT_EQ(post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}, {"duration_s", 600}})->status, 200);
  ASSERT_EQ(post("/v1/gateway/ignition", ojson::object())->status, 200);
  EXPECT_EQ(chat(req)->get_header_value("X-Onboard-Route"), "local");
}

TEST_F(GatewayEndToEnd, SlowOrDeadUpstreamGivesLocalAnswerWithinDeadline) {
  start();
  const ojson req = {{"model", "deepseek-chat"}, {"max_tokens", 3}, {"temperature", 0}, {"messages", user("hello there")}};
  upstream->mode = FakeUpstream::Mode::kSlow;
  const auto t0 = std::chrono::steady_clock::now();
  auto res = chat(req, {{"X-Onboard-Deadline-Ms", "2000"}});
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("X-Onboard-Route"), "local-fallback");
  EXPECT_EQ(res->get_header_value("X-Onboard-Fallback"), "upstream-timeout");
  EXPECT_LT(ms, 2000);
  EXPECT_EQ(ojson::parse(res->body)["model"], "tiny");

  upstream->mode = FakeUpstream::Mode::kError;
  res = chat(req);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Onboard-Fallback"), "upstream-status-500");

  upstream->stop();  // down
  res = chat(req);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Onboard-Fallback"), "upstream-error");
  // Three failures in a row opened the breaker: no call is even tried.
  res = chat(req);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Onboard-Fallback"), "circuit-open");
  EXPECT_EQ(gateway->egress().sent(), 3);
}

TEST_F(GatewayEndToEnd, R9EndpointOutsideRegionIsNeverCalled) {
  endpoint_region = "US";
  start();
  auto res = chat({{"model", "deepseek-chat"}, {"max_tokens", 3}, {"messages", user("hello")}});
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Onboard-Rule"), "R9");
  EXPECT_TRUE(upstream->bodies().empty());
}

TEST_F(GatewayEndToEnd, R10DeletionRemovesLocalDataAndIsRecorded) {
  start();
  ASSERT_EQ(post("/v1/gateway/consent", {{"category", "LOCATION_PRECISE"}, {"duration_s", 600}, {"persistent", true}})->status, 200);
  auto res = post("/v1/gateway/delete-all", ojson::object());
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(ojson::parse(res->body)["deleted_local_records"], 1);
  auto list = gateway->consent().list_active();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto rows = gateway->audit().entries();
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  EXPECT_EQ(rows->back().event, "deletion");
  EXPECT_EQ(rows->back().rule, "R10");
}

TEST_F(GatewayEndToEnd, UnknownTagIsAClearError) {
  start();
  auto res = chat({{"messages", user("hi")}}, {{"X-Onboard-Data-Tags", "FACE"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("X-Onboard-Data-Tags: 'FACE' is not a data category"), std::string::npos) << res->body;
}

}  // namespace
}  // namespace onboard::gateway
