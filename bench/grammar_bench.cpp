// Per-token cost of structured output on the real 151,936-token vocabulary (R1-Distill-Qwen,
// from the tiny fixture model): the token mask for the next step, fresh (the trie walk) and
// from the per-state cache, along the tokens of a JSON instance of a cockpit schema; the worst
// case inside a free string (nearly every token allowed); and masking the logits.
#include <benchmark/benchmark.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/gguf.h"
#include "runtime/grammar/gbnf_parser.h"
#include "runtime/grammar/json_schema_grammar.h"
#include "runtime/grammar/token_constraint.h"
#include "text/gguf_vocab.h"
#include "text/tokenizer.h"

namespace {

namespace g = onboard::runtime::grammar;

const onboard::text::Tokenizer& tokenizer() {
  static const onboard::text::Tokenizer tok = [] {
    auto f = onboard::gguf::GgufFile::open(std::string(ONBOARD_FIXTURES_DIR) + "/models/tiny-qwen2.gguf");
    auto v = onboard::text::vocab_from_gguf(*f);
    return std::move(*onboard::text::Tokenizer::create(std::move(*v)));
  }();
  return tok;
}

std::shared_ptr<const g::Grammar> climate_grammar() {
  static const auto grammar = [] {
    const auto schema = nlohmann::ordered_json::parse(R"({"type": "object", "properties": {
      "zone": {"enum": ["driver", "passenger", "rear"]},
      "celsius": {"type": "integer", "minimum": 16, "maximum": 28},
      "label": {"type": "string", "maxLength": 32},
      "seats": {"type": "array", "items": {"enum": ["front_left", "front_right"]}, "maxItems": 2}},
      "required": ["zone", "celsius", "label", "seats"], "additionalProperties": false})");
    return std::make_shared<const g::Grammar>(std::move(*g::parse_gbnf(*g::json_schema_to_gbnf(schema))));
  }();
  return grammar;
}

const std::vector<int32_t>& instance_tokens() {
  static const auto ids = tokenizer().encode(
      R"({"zone": "driver", "celsius": 22, "label": "Morgens warm, bitte 🚗", "seats": ["front_left", "front_right"]})",
      {.add_bos = false});
  return ids;
}

// Mean time of one mask along the instance (every state computed afresh: no cache).
void BM_MaskFresh(benchmark::State& state) {
  auto trie = g::shared_vocab_trie(tokenizer());
  const auto& ids = instance_tokens();
  size_t i = 0;
  g::TokenConstraint tc(climate_grammar(), trie, /*max_cached_masks=*/0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(tc.mask().data());
    state.PauseTiming();
    if (i == ids.size()) {
      tc.reset();
      i = 0;
    } else {
      tc.accept_token(ids[i++]);
    }
    state.ResumeTiming();
  }
  state.counters["tokens"] = static_cast<double>(ids.size());
}
BENCHMARK(BM_MaskFresh)->Unit(benchmark::kMillisecond);

// The same walk once the states have been seen (the cache holds them).
void BM_MaskCached(benchmark::State& state) {
  auto trie = g::shared_vocab_trie(tokenizer());
  const auto& ids = instance_tokens();
  g::TokenConstraint tc(climate_grammar(), trie);
  for (int32_t id : ids) {
    (void)tc.mask();
    tc.accept_token(id);
  }
  tc.reset();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tc.mask().data());
    state.PauseTiming();
    if (i == ids.size()) {
      tc.reset();
      i = 0;
    } else {
      tc.accept_token(ids[i++]);
    }
    state.ResumeTiming();
  }
}
BENCHMARK(BM_MaskCached)->Unit(benchmark::kMillisecond);

// Worst case: inside an unbounded string, where nearly every token is allowed.
void BM_MaskInsideFreeString(benchmark::State& state) {
  auto grammar = std::make_shared<const g::Grammar>(
      std::move(*g::parse_gbnf(R"(root ::= "\"" ([^"\\\x00-\x1F] | "\\" ["\\/bfnrt])* "\"")")));
  g::TokenConstraint tc(grammar, g::shared_vocab_trie(tokenizer()), 0);
  tc.accept_text("\"ab");
  size_t allowed = 0;
  std::vector<uint64_t> m = tc.mask();
  for (auto _ : state) {
    tc.compute_mask(m);
    benchmark::DoNotOptimize(m.data());
    allowed = 0;
    for (uint64_t w : m) allowed += static_cast<size_t>(__builtin_popcountll(w));
  }
  state.counters["allowed"] = static_cast<double>(allowed);
}
BENCHMARK(BM_MaskInsideFreeString)->Unit(benchmark::kMillisecond);

// The check that lets a draw from the unmasked logits stand (no mask walk): one token's bytes.
void BM_WouldAccept(benchmark::State& state) {
  g::TokenConstraint tc(climate_grammar(), g::shared_vocab_trie(tokenizer()));
  const auto& ids = instance_tokens();
  for (size_t i = 0; i < 5; ++i) tc.accept_token(ids[i]);
  for (auto _ : state) benchmark::DoNotOptimize(tc.would_accept(ids[5]));
}
BENCHMARK(BM_WouldAccept)->Unit(benchmark::kMicrosecond);

// Sampling's extra work once the mask is known: copy and mask 151,936 logits.
void BM_ApplyMask(benchmark::State& state) {
  g::TokenConstraint tc(climate_grammar(), g::shared_vocab_trie(tokenizer()));
  std::vector<float> logits(static_cast<size_t>(tokenizer().n_vocab()), 0.5f);
  (void)tc.mask();
  for (auto _ : state) {
    tc.apply(logits.data());
    benchmark::DoNotOptimize(logits.data());
  }
}
BENCHMARK(BM_ApplyMask)->Unit(benchmark::kMicrosecond);

void BM_BuildVocabTrie(benchmark::State& state) {
  for (auto _ : state) {
    g::VocabTrie t(tokenizer());
    benchmark::DoNotOptimize(t.nodes().data());
    state.counters["nodes"] = static_cast<double>(t.nodes().size());
  }
}
BENCHMARK(BM_BuildVocabTrie)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
