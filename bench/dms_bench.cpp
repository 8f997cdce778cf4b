// Driver-monitoring work per frame beside the face models: the head-pose fit + EAR + mouth
// (measure_face) and one state-machine update.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "dms/canonical_face.h"
#include "dms/dms_state_machine.h"
#include "dms/face_geometry.h"

namespace {

using namespace onboard;

const dms::CanonicalFace& canonical() {
  static const dms::CanonicalFace face = [] {
    auto f = dms::load_canonical_face(std::string(ONBOARD_SOURCE_DIR) + "/node_modules/@mediapipe/face_mesh/face_mesh_solution_packed_assets.data");
    return f.ok() ? *f : dms::CanonicalFace{};
  }();
  return face;
}

void BM_MeasureFace(benchmark::State& state) {
  const auto& c = canonical();
  if (c.vertices.empty()) return state.SkipWithError("canonical face not found");
  const auto r = dms::rotation_from_pose({20, -10, 5});
  std::vector<vision::Point3> lm;
  for (const auto& v : c.vertices)
    lm.push_back({320 + 12 * (r[0] * v.x + r[1] * v.y + r[2] * v.z), 240 - 12 * (r[3] * v.x + r[4] * v.y + r[5] * v.z),
                  -12 * (r[6] * v.x + r[7] * v.y + r[8] * v.z)});
  for (auto _ : state) benchmark::DoNotOptimize(dms::measure_face(c, lm));
}
BENCHMARK(BM_MeasureFace);

void BM_StateMachineUpdate(benchmark::State& state) {
  auto m = dms::DmsStateMachine::make({});
  std::vector<dms::DmsEvent> events;
  double t = 0;
  for (auto _ : state) {
    dms::DmsObservation o;
    o.t_s = t;
    o.speed_kmh = 80;
    o.face_found = true;
    o.pose = {std::fmod(t, 7.0) < 2 ? 40.f : 0.f, 0, 0};  // glances away, blinks
    o.ear_left = o.ear_right = std::fmod(t, 3.0) < 0.3 ? 0.1f : 0.3f;
    benchmark::DoNotOptimize(m->update(o, events).ok());
    events.clear();
    t += 1.0 / 30;
  }
}
BENCHMARK(BM_StateMachineUpdate);

}  // namespace

BENCHMARK_MAIN();
