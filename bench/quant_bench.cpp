// Dot-kernel throughput per weight type and ISA variant, on a 1536×8960 weight matrix
// (the FFN down-projection shape of DeepSeek-R1-Distill-Qwen-1.5B): one activation row times
// every weight row, single thread. Reports weight bytes/s ("bytes_per_second").
//   ./quant_bench --benchmark_filter='Q4_K'
// stream/<type>/<isa>/threads:N: the same matrix-vector product over 512 MiB of weight rows
// (16x the 32 MiB L3), rows split over 1 or 2 threads: the weight GB/s a kernel sustains from
// DRAM, to set next to memory_bandwidth_bench's read figure (the CPU-time rows there and here
// divide by the threads' summed CPU time: a per-thread rate).
#include <benchmark/benchmark.h>

#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernels/dot.h"
#include "tensor/ggml_type.h"
#include "tensor/quantize.h"

namespace {

using onboard::GgmlType;
using namespace onboard::kernels;

constexpr int64_t kRows = 1536;
constexpr int64_t kCols = 8960;
constexpr int64_t kDistinctRows = 32;  // quantized once, then repeated to fill the matrix

struct Matrix {
  std::vector<uint8_t> weights;
  size_t row_bytes = 0;
  std::vector<float> x;
};

Matrix make_matrix(GgmlType type, int64_t rows = kRows) {
  Matrix m;
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.0f, 0.05f);
  m.row_bytes = onboard::row_bytes(type, kCols);
  m.weights.resize(m.row_bytes * rows);
  std::vector<float> row(kCols);
  for (int64_t r = 0; r < kDistinctRows; ++r) {
    for (float& v : row) v = dist(rng);
    onboard::quantize_row(type, row.data(), m.weights.data() + r * m.row_bytes, kCols);
  }
  for (int64_t r = kDistinctRows; r < rows; ++r)
    std::memcpy(m.weights.data() + r * m.row_bytes, m.weights.data() + (r % kDistinctRows) * m.row_bytes, m.row_bytes);
  m.x.resize(kCols);
  for (float& v : m.x) v = dist(rng) * 20;
  return m;
}

void run_dot(benchmark::State& state, GgmlType type, Isa isa) {
  static std::vector<std::pair<GgmlType, Matrix>> cache;
  const Matrix* m = nullptr;
  for (const auto& [t, mat] : cache)
    if (t == type) m = &mat;
  if (m == nullptr) {
    cache.emplace_back(type, make_matrix(type));
    m = &cache.back().second;
  }
  const DotKernel& k = dot_kernel_for(type, isa);
  std::vector<uint8_t> act(k.act_bytes(kCols));
  std::vector<float> y(kRows);
  for (auto _ : state) {
    k.quantize_act(m->x.data(), act.data(), kCols);
    for (int64_t r = 0; r < kRows; ++r) y[r] = k.dot(kCols, m->weights.data() + r * m->row_bytes, act.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(m->weights.size()));
  state.counters["specialized"] = has_specialized_dot(type, isa) ? 1 : 0;
}

constexpr size_t kStreamBytes = size_t{512} << 20;

// One activation row against kStreamBytes of weight rows; thread t takes its share of the rows.
void run_stream(benchmark::State& state, GgmlType type, Isa isa) {
  static std::mutex mutex;
  static std::optional<GgmlType> built_type;  // one matrix at a time: they are large
  static Matrix m;
  static int64_t rows = 0;
  {
    // Whichever thread comes first builds it; Google Benchmark starts the timed loops together.
    const std::lock_guard<std::mutex> lock(mutex);
    if (built_type != type) {
      m = Matrix{};
      rows = static_cast<int64_t>(kStreamBytes / onboard::row_bytes(type, kCols));
      m = make_matrix(type, rows);
      built_type = type;
    }
  }
  const DotKernel& k = dot_kernel_for(type, isa);
  std::vector<uint8_t> act(k.act_bytes(kCols));
  std::vector<float> y(static_cast<size_t>(rows));
  const int64_t t = state.thread_index(), threads = state.threads();
  const int64_t begin = rows * t / threads, end = rows * (t + 1) / threads;
  for (auto _ : state) {
    k.quantize_act(m.x.data(), act.data(), kCols);
    for (int64_t r = begin; r < end; ++r) y[r] = k.dot(kCols, m.weights.data() + r * m.row_bytes, act.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double bytes = static_cast<double>(state.iterations()) * static_cast<double>((end - begin) * m.row_bytes);
  state.counters["GB/s"] = benchmark::Counter(bytes, benchmark::Counter::kIsRate, benchmark::Counter::OneK::kIs1000);
}

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0,   GgmlType::Q4_0,
                           GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::IQ4_NL, GgmlType::Q2_K,
                           GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K,   GgmlType::IQ4_XS};

const bool kRegistered = [] {
  for (GgmlType type : kTypes)
    for (Isa isa : available_isas()) {
      const std::string name = "dot/" + std::string(onboard::traits(type).name) + "/" + isa_name(isa);
      benchmark::RegisterBenchmark(name.c_str(), run_dot, type, isa)->Unit(benchmark::kMicrosecond);
    }
  // The types of Q4_K_M and Q8_0 files (and F16 sources), on the variant dot_kernel() uses.
  for (GgmlType type : {GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q6_K}) {
    const std::string name = "stream/" + std::string(onboard::traits(type).name) + "/" + isa_name(selected_isa());
    // Wall-clock rows, and CPU-time rows (per-thread rate) for a busy, shared machine.
    for (bool real_time : {true, false}) {
      auto* b = benchmark::RegisterBenchmark(name.c_str(), run_stream, type, selected_isa());
      b->Threads(1)->Threads(2)->Unit(benchmark::kMillisecond);
      if (real_time) b->UseRealTime();
    }
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
