// Tokenizer throughput: encode MB/s on mixed zh/en text built from the fixture corpus, per
// flavour (r1-qwen with NFC, deepseek-v3), plus decode and streaming detokenization.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "text/detokenizer.h"
#include "text/hf_tokenizer_json.h"
#include "text/tokenizer.h"

namespace {

using onboard::text::Tokenizer;

const Tokenizer* tokenizer(const std::string& flavour) {
  static std::unique_ptr<Tokenizer> qwen, v3;
  std::unique_ptr<Tokenizer>& slot = flavour == "r1-qwen" ? qwen : v3;
  if (!slot) {
    auto v = onboard::text::load_hf_tokenizer(std::string(ONBOARD_FIXTURES_DIR) + "/tokenizer/" + flavour);
    if (!v.ok()) return nullptr;
    auto t = Tokenizer::create(std::move(v).value());
    if (!t.ok()) return nullptr;
    slot = std::make_unique<Tokenizer>(std::move(t).value());
  }
  return slot.get();
}

// About 1 MB of text: the corpus strings of the Chinese, English, mixed, code, number and
// newline categories, repeated in order (roughly half the bytes CJK), joined by newlines.
const std::string& mixed_text() {
  static const std::string text = [] {
    std::ifstream f(std::string(ONBOARD_FIXTURES_DIR) + "/tokenizer/corpus.json", std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    const auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    std::vector<std::string> parts;
    if (j.is_array())
      for (const auto& c : j) {
        const std::string cat = c.value("category", "");
        if (cat == "zh-cockpit" || cat == "en" || cat == "mixed" || cat == "code" || cat == "numbers" ||
            cat == "newlines" || cat == "long")
          parts.push_back(c.value("text", ""));
      }
    std::string out;
    while (!parts.empty() && out.size() < (1u << 20))
      for (const auto& p : parts) out += p + "\n";
    return out;
  }();
  return text;
}

void BM_Encode(benchmark::State& state, const char* flavour) {
  const Tokenizer* tok = tokenizer(flavour);
  if (!tok) {
    state.SkipWithError("tokenizer fixture not loadable");
    return;
  }
  const std::string& text = mixed_text();
  size_t n_tokens = 0;
  for (auto _ : state) {
    auto ids = tok->encode(text);
    n_tokens = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(n_tokens);
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK_CAPTURE(BM_Encode, r1_qwen, "r1-qwen")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Encode, deepseek_v3, "deepseek-v3")->Unit(benchmark::kMillisecond);

// The same, with the per-thread word cache empty at the start of every pass (a fresh
// Tokenizer each iteration, built outside the timed region): the worst case for novel text.
void BM_EncodeColdCache(benchmark::State& state, const char* flavour) {
  const Tokenizer* tok = tokenizer(flavour);
  if (!tok) {
    state.SkipWithError("tokenizer fixture not loadable");
    return;
  }
  const std::string& text = mixed_text();
  for (auto _ : state) {
    state.PauseTiming();
    auto fresh = Tokenizer::create(tok->vocab());
    state.ResumeTiming();
    if (!fresh.ok()) {
      state.SkipWithError("create failed");
      return;
    }
    auto ids = fresh->encode(text);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(BM_EncodeColdCache, r1_qwen, "r1-qwen")->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK_CAPTURE(BM_EncodeColdCache, deepseek_v3, "deepseek-v3")->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_Decode(benchmark::State& state, const char* flavour) {
  const Tokenizer* tok = tokenizer(flavour);
  if (!tok) {
    state.SkipWithError("tokenizer fixture not loadable");
    return;
  }
  const std::string& text = mixed_text();
  const auto ids = tok->encode(text);
  for (auto _ : state) {
    auto s = tok->decode(ids);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(BM_Decode, r1_qwen, "r1-qwen")->Unit(benchmark::kMillisecond);

void BM_StreamingDetokenize(benchmark::State& state) {
  const Tokenizer* tok = tokenizer("r1-qwen");
  if (!tok) {
    state.SkipWithError("tokenizer fixture not loadable");
    return;
  }
  const auto ids = tok->encode(mixed_text());
  for (auto _ : state) {
    onboard::text::StreamingDetokenizer d(*tok);
    size_t n = 0;
    for (int32_t id : ids) n += d.push(id).size();
    n += d.flush().size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ids.size()));
}
BENCHMARK(BM_StreamingDetokenize)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
