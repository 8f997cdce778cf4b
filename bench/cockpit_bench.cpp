// Cockpit fast path on one core: understanding, understanding + safety policy, and the whole
// command → actuation request (the simulated vehicle's actuate), over every fast-path utterance
// of eval/cockpit/set.jsonl in turn. Time per utterance.
#include <benchmark/benchmark.h>

#include "cockpit/cockpit_eval.h"
#include "cockpit/fast_path.h"
#include "cockpit/safety_policy.h"
#include "cockpit/simulated_vehicle.h"

namespace {

using namespace onboard::cockpit;

struct Fixture {
  std::unique_ptr<SimulatedVehicle> car;
  std::vector<EvalItem> items;
  static Fixture& get() {
    static Fixture f = [] {
      Fixture x;
      auto tree = VssTree::load_json(ONBOARD_VSS_JSON);
      auto items = load_eval_set(ONBOARD_SOURCE_DIR "/eval/cockpit/set.jsonl");
      if (!tree.ok() || !items.ok()) return x;
      x.car = make_simulated_vehicle(std::move(*tree));
      for (EvalItem& it : *items)
        if (it.route == "fast") x.items.push_back(std::move(it));
      return x;
    }();
    return f;
  }
};

enum class Stage { kUnderstand, kPolicy, kActuate };

template <Stage kStage>
void BM_Cockpit(benchmark::State& state) {
  Fixture& f = Fixture::get();
  if (!f.car || f.items.empty()) {
    state.SkipWithError("VSS tree or eval set not found");
    return;
  }
  FastPath fast(f.car->tree());
  SafetyPolicy policy;
  auto current = [&](std::string_view p) { return f.car->get(p); };
  size_t i = 0;
  for (auto _ : state) {
    const EvalItem& it = f.items[i++ % f.items.size()];
    Understanding u = fast.understand(it.text, it.seat, detect_lang(it.text), current);
    if constexpr (kStage != Stage::kUnderstand) {
      for (const PlannedAction& a : u.actions) {
        PolicyDecision d = policy.check(*f.car, a.path, a.value, it.seat, Lang::kEn);
        if constexpr (kStage == Stage::kActuate)
          if (d.verdict == Verdict::kAllow || d.verdict == Verdict::kLimit) benchmark::DoNotOptimize(f.car->actuate(d.path, d.value).ok());
        benchmark::DoNotOptimize(d);
      }
    }
    benchmark::DoNotOptimize(u);
  }
  state.counters["utterances"] = static_cast<double>(f.items.size());
}

BENCHMARK(BM_Cockpit<Stage::kUnderstand>)->Name("cockpit/understand")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Cockpit<Stage::kPolicy>)->Name("cockpit/understand+policy")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Cockpit<Stage::kActuate>)->Name("cockpit/command_to_actuation_request")->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
