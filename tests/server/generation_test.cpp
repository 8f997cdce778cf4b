// ChoiceTask on the tiny fixture model: greedy output is the same alone, interleaved with
// others, and after being evicted (KV recomputed from its history) by a critical request.
#include "server/generation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "runtime/chat_prompt.h"
#include "runtime/grammar/gbnf_parser.h"

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

namespace onboard::server {
namespace {

// Logprobs are the log-softmax of the model's logits at each position (not of the
// temperature-scaled distribution): recomputed here from a Session fed the same tokens.
void expect_logprobs_match_model(ServedModel& m, const GenerationParams& p, const std::vector<LogprobEntry>& got) {
  ThreadPool pool(1);
  runtime::SessionOptions so;
  so.state.n_ctx = 256;
  so.state.n_batch = 8;
  so.state.kv_type = GgmlType::F32;
  auto s = runtime::Session::create(*m.loaded().model, m.loaded().tokenizer, so, pool);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE((*s)->prefill(p.prompt).ok());
  const int64_t nv = m.loaded().model->config().n_vocab;
  for (size_t k = 0; k < got.size(); ++k) {
    const float* l = (*s)->state().logits((*s)->state().n_logits() - 1);
    double mx = l[0], z = 0;
    for (int64_t i = 0; i < nv; ++i) mx = std::max<double>(mx, l[i]);
    for (int64_t i = 0; i < nv; ++i) z += std::exp(l[i] - mx);
    const double log_z = mx + std::log(z);
    std::vector<int32_t> order(static_cast<size_t>(nv));
    for (int32_t i = 0; i < nv; ++i) order[static_cast<size_t>(i)] = i;
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return l[a] > l[b]; });
    const LogprobEntry& e = got[k];
    ASSERT_GE(e.chosen.id, 0);
    EXPECT_NEAR(e.chosen.logprob, l[e.chosen.id] - log_z, 1e-4) << "token " << k;
    EXPECT_EQ(e.chosen.bytes, std::string(m.loaded().tokenizer.token_piece(e.chosen.id)));
    ASSERT_EQ(e.top.size(), static_cast<size_t>(p.top_logprobs));
    for (size_t j = 0; j < e.top.size(); ++j) {
      EXPECT_EQ(e.top[j].id, order[j]) << "token " << k << " rank " << j;
      EXPECT_NEAR(e.top[j].logprob, l[order[j]] - log_z, 1e-4);
    }
    if (p.sampling.temperature <= 0) {
      EXPECT_EQ(e.chosen.id, order[0]) << "greedy picks the most likely token";
    }
    ASSERT_TRUE((*s)->prefill(std::span<const int32_t>(&e.chosen.id, 1)).ok());
  }
}

std::vector<LogprobEntry> run_with_logprobs(ServedModel& m, const GenerationParams& p) {
  Scheduler s(1, 4);
  auto ch = std::make_shared<Channel>();
  EXPECT_TRUE(s.submit({std::make_shared<ChoiceTask>(m, ch, 0, p, Priority::kInteractive, nullptr,
                                                     std::chrono::steady_clock::now())}));
  while (s.run_once()) {
  }
  std::vector<ChoiceEvent> ev;
  ch->pop_all(ev, std::chrono::milliseconds(0));
  std::vector<LogprobEntry> out;
  for (auto& e : ev)
    if (e.kind == ChoiceEvent::Kind::kLogprob) out.push_back(e.logprob);
  return out;
}

TEST(Generation, LogprobsAreLogSoftmaxOfTheModelsLogits) {
  auto m = tiny(1);
  ASSERT_TRUE(m);
  auto p = greedy(*m, "请打开车窗一半", 12);
  p.top_logprobs = 3;
  auto got = run_with_logprobs(*m, p);
  EXPECT_EQ(got.size(), 12u);  // one per generated token (no end-of-turn in 12 here)
  expect_logprobs_match_model(*m, p, got);

  // With temperature the sampled tokens differ, but the reported values stay the model's.
  p.sampling.temperature = 1.5f;
  p.sampling.top_p = 1.0f;
  p.sampling.seed = 7;
  p.top_logprobs = 2;
  got = run_with_logprobs(*m, p);
  ASSERT_FALSE(got.empty());
  expect_logprobs_match_model(*m, p, got);
}

// The grammar restricts which token is drawn, not the reported distribution: the logprobs stay
// the model's own (the mask is applied to a copy of the logits), so the alternatives listed
// may be tokens the grammar forbids.
TEST(Generation, LogprobsUnderAGrammarAreTheUnconstrainedModelDistribution) {
  auto m = tiny(1);
  ASSERT_TRUE(m);
  auto p = greedy(*m, "hello", 8);
  auto g = runtime::grammar::parse_gbnf("root ::= [0-9]+");
  ASSERT_TRUE(g.ok()) << g.error().message;
  p.grammar = std::make_shared<const runtime::grammar::Grammar>(std::move(*g));
  p.sampling.temperature = 1.5f;
  p.sampling.top_p = 1.0f;
  p.sampling.seed = 3;
  p.top_logprobs = 3;
  auto got = run_with_logprobs(*m, p);
  ASSERT_FALSE(got.empty());
  for (const auto& e : got) {
    ASSERT_FALSE(e.chosen.bytes.empty());
    EXPECT_TRUE(std::all_of(e.chosen.bytes.begin(), e.chosen.bytes.end(), [](char c) { return c >= '0' && c <= '9'; }))
        << "the grammar chose " << e.chosen.bytes;
  }
  expect_logprobs_match_model(*m, p, got);
}

TEST(Generation, NoLogprobEventsUnlessAsked) {
  auto m = tiny(1);
  ASSERT_TRUE(m);
  EXPECT_TRUE(run_with_logprobs(*m, greedy(*m, "hello", 6)).empty());
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

struct Run {
  std::string text;
  int64_t cached = -1;
};

// Runs the given tasks' params together on `s`; returns each choice's text and cached tokens.
std::vector<Run> run_together(ServedModel& m, Scheduler& s, const std::vector<GenerationParams>& ps) {
  auto ch = std::make_shared<Channel>();
  std::vector<std::shared_ptr<Sequence>> seqs;
  for (size_t i = 0; i < ps.size(); ++i)
    seqs.push_back(std::make_shared<ChoiceTask>(m, ch, static_cast<int>(i), ps[i], Priority::kInteractive, nullptr,
                                                std::chrono::steady_clock::now()));
  EXPECT_TRUE(s.submit(seqs));
  while (s.run_once()) {
  }
  std::vector<ChoiceEvent> ev;
  ch->pop_all(ev, std::chrono::milliseconds(0));
  std::vector<Run> out(ps.size());
  for (auto& e : ev) {
    if (e.kind == ChoiceEvent::Kind::kFinish) out[static_cast<size_t>(e.index)].cached = e.cached_tokens;
    else out[static_cast<size_t>(e.index)].text += e.text;
  }
  return out;
}

GenerationParams conversation(const ServedModel& m, const std::vector<std::string>& turns, int64_t n) {
  auto msgs = nlohmann::ordered_json::array({{{"role", "system"}, {"content", "You are the cockpit assistant of a car."}}});
  for (size_t i = 0; i < turns.size(); ++i)
    msgs.push_back({{"role", i % 2 ? "assistant" : "user"}, {"content", turns[i]}});
  GenerationParams p;
  auto toks = runtime::chat_prompt_tokens(m.loaded(), msgs);
  EXPECT_TRUE(toks.ok());
  p.prompt = *toks;
  p.sampling.temperature = 0;
  p.max_tokens = n;
  return p;
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

TEST(Generation, PrefixCacheReusesKvAndKeepsGreedyOutput) {
  const auto a1 = [](const ServedModel& m) { return conversation(m, {"打开车窗"}, 16); };
  const auto a2 = [](const ServedModel& m) { return conversation(m, {"打开车窗", "好的。", "再关上"}, 16); };
  const auto b1 = [](const ServedModel& m) {
    auto p = greedy(m, "play some music please, something calm for the night drive", 16);
    return p;
  };
  // References: each prompt on a fresh model (nothing cached).
  std::string ref_a2, ref_b1;
  {
    auto fresh = tiny(1);
    ASSERT_TRUE(fresh);
    Scheduler s(1, 4);
    auto r = run_together(*fresh, s, {a2(*fresh)});
    EXPECT_EQ(r[0].cached, 0);
    ref_a2 = r[0].text;
    ref_b1 = run_together(*fresh, s, {b1(*fresh)})[0].text;
  }
  auto m = tiny(2);
  ASSERT_TRUE(m);
  Scheduler s(2, 4);
  // a1 takes slot 0, b1 slot 1.
  auto first = run_together(*m, s, {a1(*m), b1(*m)});
  EXPECT_EQ(first[1].text, ref_b1);
  // The conversation goes on: it lands on the slot holding its beginning and reuses it.
  const GenerationParams p = a2(*m);
  const size_t shared = common_prefix(a1(*m).prompt, p.prompt);
  ASSERT_GT(shared, 8u);
  auto second = run_together(*m, s, {p});
  EXPECT_GE(second[0].cached, static_cast<int64_t>(shared));
  EXPECT_LT(second[0].cached, static_cast<int64_t>(p.prompt.size()));
  EXPECT_EQ(second[0].text, ref_a2) << "greedy output is the same with and without a cache hit";
  // The same prompt again: all of it but the last token (re-fed for its logits) is reused.
  auto third = run_together(*m, s, {p});
  EXPECT_EQ(third[0].cached, static_cast<int64_t>(p.prompt.size()) - 1);
  EXPECT_EQ(third[0].text, ref_a2);
  // b1 again finds slot 1 untouched.
  auto fourth = run_together(*m, s, {b1(*m)});
  EXPECT_EQ(fourth[0].cached, static_cast<int64_t>(b1(*m).prompt.size()) - 1);
  EXPECT_EQ(fourth[0].text, ref_b1);
  EXPECT_EQ(m->slot_contents().size(0) + m->slot_contents().size(1), m->slot_contents().total_tokens());
}

}  // namespace
}  // namespace onboard::server

namespace onboard::server {
namespace {

TEST(Generation, UnrelatedPromptTakesAnEmptySlotRatherThanOverwriteAConversation) {
  auto m = tiny(2);
  ASSERT_TRUE(m);
  Scheduler s(2, 4);
  const GenerationParams a1 = conversation(*m, {"打开车窗"}, 16);
  run_together(*m, s, {a1});  // slot 0 now holds this conversation
  ASSERT_GT(m->slot_contents().size(0), 0);
  ASSERT_EQ(m->slot_contents().size(1), 0);
  run_together(*m, s, {greedy(*m, "play some music please", 8)});
  EXPECT_GT(m->slot_contents().size(1), 0) << "the unrelated prompt went to the empty slot";
  // So the conversation's next turn still finds its whole beginning.
  const GenerationParams a2 = conversation(*m, {"打开车窗", "好的。", "再关上"}, 8);
  EXPECT_GE(run_together(*m, s, {a2})[0].cached, static_cast<int64_t>(common_prefix(a1.prompt, a2.prompt)));
}

}  // namespace
}  // namespace onboard::server
