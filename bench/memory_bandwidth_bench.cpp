// Memory read bandwidth: the limit decode speed is measured against (decode streams every weight
// once per token). Sums a 1 GiB buffer, 32 times the 32 MiB L3 of the project's EPYC VM, so
// the figure is DRAM's; with 1 and 2 threads each reading its own half. GB/s = 1e9 bytes/s.
//   build/bench/memory_bandwidth_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

constexpr size_t kBytes = size_t{1} << 30;

// 16-byte lanes through GCC's vector extension: plain SSE2 / NEON loads, no ISA flags needed.
using U64x2 = uint64_t __attribute__((vector_size(16)));

const std::vector<U64x2>& buffer() {
  static const std::vector<U64x2> b = [] {
    std::vector<U64x2> v(kBytes / sizeof(U64x2));
    for (size_t i = 0; i < v.size(); ++i) v[i] = U64x2{i, ~i};  // touches every page once
    return v;
  }();
  return b;
}

void read_bandwidth(benchmark::State& state) {
  const std::vector<U64x2>& b = buffer();
  const size_t n = b.size(), threads = static_cast<size_t>(state.threads());
  const size_t t = static_cast<size_t>(state.thread_index());
  const size_t begin = n * t / threads, end = n * (t + 1) / threads;
  for (auto _ : state) {
    // Four independent sums keep enough loads in flight.
    U64x2 s0{}, s1{}, s2{}, s3{};
    size_t i = begin;
    for (; i + 4 <= end; i += 4) {
      s0 += b[i];
      s1 += b[i + 1];
      s2 += b[i + 2];
      s3 += b[i + 3];
    }
    for (; i < end; ++i) s0 += b[i];
    U64x2 s = (s0 + s1) + (s2 + s3);
    benchmark::DoNotOptimize(s);
  }
  // Decimal GB/s (bandwidth's usual unit; bytes_per_second is printed in GiB/s), summed over threads.
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>((end - begin) * sizeof(U64x2)),
                                              benchmark::Counter::kIsRate, benchmark::Counter::OneK::kIs1000);
}

// real_time: both threads' bytes over the wall-clock time, the figure of a quiet machine. The
// CPU-time rows divide by the time the threads actually ran: on a shared, busy machine (where
// a thread waits for a core) they are the closer estimate of what the memory system can do.
BENCHMARK(read_bandwidth)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(read_bandwidth)->Threads(1)->Threads(2)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
