// Fuzz target: arbitrary bytes as a VSS release JSON, and as values for its signals. Must not
// crash or hang; a tree that loads has sorted, unique leaves that find() returns, and a value
// check_value accepts survives the JSON round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cockpit/vss_tree.h"
#include "cockpit/vss_value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onboard::cockpit;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto tree = VssTree::parse_json(bytes, "fuzz.json");
  if (tree.ok()) {
    const auto& all = tree->signals();
    for (size_t i = 0; i < all.size(); ++i) {
      if (i > 0 && !(all[i - 1].path < all[i].path)) std::abort();
      if (tree->find(all[i].path) != &all[i]) std::abort();
    }
  }
  // The same bytes as a value of each datatype.
  const auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return 0;
  for (int t = 0; t <= static_cast<int>(VssDatatype::kString); ++t) {
    for (bool array : {false, true}) {
      VssSignal s;
      s.path = "Vehicle.Fuzz";
      s.datatype = static_cast<VssDatatype>(t);
      s.is_array = array;
      s.min = -100;
      s.max = 100;
      auto v = value_from_json(s, j);
      if (!v.ok() || !check_value(s, *v).ok()) continue;
      auto again = value_from_json(s, value_to_json(*v));
      if (!again.ok() || *again != *v) std::abort();
    }
  }
  return 0;
}
