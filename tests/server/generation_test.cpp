// ChoiceTask on the tiny fixture model: greedy output is the same alone, interleaved with
// others, and after being evicted (KV recomputed from its history) by a critical request.
#include "server/generation.h"

#include <gtest/gtest.h>

#include "runtime/chat_prompt.h"

namespace onboard::server {
namespace {

std::unique_ptr<ServedModel> tiny(int slots) {
  ServedModelOptions o;
  o.id = "tiny";
  o.n_ctx = 256;
  o.n_batch = 8;  // several prefill chunks per prompt
  o.n_slots = slots;
  o.kv_type = GgmlType::F32;
  auto m = ServedModel::create(std::string(ONBOARD_FIXTURES_DIR) + "/models/tiny-qwen2.gguf", o);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(*m) : nullptr;
}

GenerationParams greedy(const ServedModel& m, const std::string& text, int64_t n) {
  GenerationParams p;
  auto toks = runtime::chat_prompt_tokens(m.loaded(), nlohmann::ordered_json::array({{{"role", "user"}, {"content", text}}}));
  EXPECT_TRUE(toks.ok());
  p.prompt = *toks;
  p.sampling.temperature = 0;
  p.max_tokens = n;
  return p;
}

struct Collected {
  std::string text;
  std::string finish;
  int64_t tokens = 0;
};

std::vector<Collected> drain(Channel& ch, int n) {
  std::vector<Collected> out(static_cast<size_t>(n));
  std::vector<ChoiceEvent> ev;
  ch.pop_all(ev, std::chrono::milliseconds(0));
  for (auto& e : ev) {
    auto& c = out[static_cast<size_t>(e.index)];
    if (e.kind == ChoiceEvent::Kind::kFinish) {
      c.finish = e.finish_reason;
      c.tokens = e.completion_tokens;
    } else {
      c.text += e.text;
    }
  }
  return out;
}

TEST(Generation, GreedyAloneEqualsInterleavedAndEvicted) {
  auto m = tiny(2);
  ASSERT_TRUE(m);
  const char* prompts[] = {"请打开车窗一半", "play some music please", "导航到最近的充电站"};
  std::vector<std::string> solo;
  for (const char* p : prompts) {
    Scheduler s(1, 16);
    auto ch = std::make_shared<Channel>();
    ASSERT_TRUE(s.submit({std::make_shared<ChoiceTask>(*m, ch, 0, greedy(*m, p, 24), Priority::kInteractive, nullptr,
                                                       std::chrono::steady_clock::now())}));
    while (s.run_once()) {
    }
    auto r = drain(*ch, 1);
    EXPECT_EQ(r[0].finish, "length");
    EXPECT_EQ(r[0].tokens, 24);
    solo.push_back(r[0].text);
  }
  // Two background sequences fill both slots; a critical one arrives after a few steps and
  // evicts the latest admitted; everything must still match the solo runs.
  Scheduler s(2, 16);
  auto ch = std::make_shared<Channel>();
  auto mk = [&](int i, Priority p) {
    return std::make_shared<ChoiceTask>(*m, ch, i, greedy(*m, prompts[i], 24), p, nullptr, std::chrono::steady_clock::now());
  };
  ASSERT_TRUE(s.submit({mk(0, Priority::kBackground), mk(1, Priority::kBackground)}));
  for (int i = 0; i < 8; ++i) s.run_once();
  ASSERT_TRUE(s.submit({mk(2, Priority::kCritical)}));
  while (s.run_once()) {
  }
  EXPECT_EQ(s.stats().evictions, 1);
  auto r = drain(*ch, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r[static_cast<size_t>(i)].text, solo[static_cast<size_t>(i)]) << "choice " << i;
    EXPECT_EQ(r[static_cast<size_t>(i)].finish, "length");
  }
}

TEST(Generation, StopSequenceIsCutAndHeldBack) {
  auto m = tiny(1);
  ASSERT_TRUE(m);
  Scheduler s(1, 16);
  auto ch = std::make_shared<Channel>();
  ASSERT_TRUE(s.submit({std::make_shared<ChoiceTask>(*m, ch, 0, greedy(*m, "hello", 24), Priority::kInteractive, nullptr,
                                                     std::chrono::steady_clock::now())}));
  while (s.run_once()) {
  }
  const std::string full = drain(*ch, 1)[0].text;
  ASSERT_GE(full.size(), 8u);
  const std::string stop = full.substr(full.size() / 2, 2);
  auto p = greedy(*m, "hello", 24);
  p.stop = {stop};
  ASSERT_TRUE(s.submit({std::make_shared<ChoiceTask>(*m, ch, 0, p, Priority::kInteractive, nullptr,
                                                     std::chrono::steady_clock::now())}));
  while (s.run_once()) {
  }
  auto r = drain(*ch, 1)[0];
  EXPECT_EQ(r.text, full.substr(0, full.find(stop)));
  EXPECT_EQ(r.finish, "stop");
}

TEST(Generation, CancelledTaskReportsAndFreesItsSlot) {
  auto m = tiny(1);
  ASSERT_TRUE(m);
  Scheduler s(1, 16);
  auto ch = std::make_shared<Channel>();
  auto t = std::make_shared<ChoiceTask>(*m, ch, 0, greedy(*m, "hello", 200), Priority::kInteractive, nullptr,
                                        std::chrono::steady_clock::now());
  ASSERT_TRUE(s.submit({t}));
  for (int i = 0; i < 5; ++i) s.run_once();
  t->cancel();
  s.run_once();
  EXPECT_EQ(drain(*ch, 1)[0].finish, "cancelled");
  EXPECT_EQ(s.stats().running[static_cast<int>(Priority::kInteractive)], 0);
}

}  // namespace
}  // namespace onboard::server
