// Arbitrary bytes through the TFLite reader and, when a small graph parses, the graph builder
// and one run: an error or a result, never a crash; constant data must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vision/cnn_graph.h"
#include "vision/tflite_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = onboard::vision::parse_tflite(std::span<const uint8_t>(data, size));
  if (!m.ok()) return 0;
  int64_t total = 0;
  for (const auto& t : m->tensors) {
    if (!t.data.empty() && (t.data.data() < data || t.data.data() + t.data.size() > data + size)) std::abort();
    total += t.elements();
  }
  if (total > (1 << 20)) return 0;  // the builder would plan a large arena: not what is fuzzed here
  auto g = onboard::vision::CnnGraph::build(*m, "fuzz");
  if (g.ok()) g->run(nullptr);
  return 0;
}
