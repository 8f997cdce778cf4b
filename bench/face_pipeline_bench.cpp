// FacePipeline speed: detection + 468-point mesh per frame on 1 and 2 threads, per-stage time and
// peak memory (ru_maxrss). Frames: astronaut.png (512x512) and a 1920x1280 photo (face-api's
// sample1.jpg, letterboxed by the detector), both read from packages installed here.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>

#include "vision/face_pipeline.h"
#include "vision/image_file.h"

namespace {

using onboard::vision::FacePipeline;

FacePipeline& pipeline() {
  static FacePipeline p = [] {
    auto r = FacePipeline::load(onboard::vision::default_detector_path(), onboard::vision::default_mesh_path());
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      std::exit(1);
    }
    return std::move(*r);
  }();
  return p;
}

const onboard::vision::Image& frame(int which) {
  static const std::string paths[] = {"/usr/lib/python3/dist-packages/skimage/data/astronaut.png",
                                      std::string(ONBOARD_SOURCE_DIR) + "/node_modules/@vladmandic/face-api/demo/sample1.jpg"};
  static onboard::vision::Image images[2];
  if (images[which].rgb.empty()) {
    auto r = onboard::vision::read_image(paths[which]);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      std::exit(1);
    }
    images[which] = std::move(*r);
  }
  return images[which];
}

void BM_FacePipeline(benchmark::State& state) {
  const auto& img = frame(static_cast<int>(state.range(0)));
  const int threads = static_cast<int>(state.range(1));
  onboard::vision::StageTimes t, sum;
  (void)pipeline().process(img, threads, &t);  // warm-up: thread pool, caches
  for (auto _ : state) {
    auto r = pipeline().process(img, threads, &t);
    if (!r.ok() || !r->has_value() || !(*r)->landmarks) {
      state.SkipWithError("no face with landmarks found");
      break;
    }
    sum.detect_ms += t.detect_ms;
    sum.mesh_ms += t.mesh_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["detect_ms"] = sum.detect_ms / n;
  state.counters["mesh_ms"] = sum.mesh_ms / n;
  state.counters["fps"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MiB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  state.SetLabel(std::to_string(img.width) + "x" + std::to_string(img.height) + ", " + std::to_string(threads) +
                 " thread(s)");
}
BENCHMARK(BM_FacePipeline)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
