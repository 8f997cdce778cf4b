// The VSS 6.0 release, loaded once per test binary.
#pragma once

#include <gtest/gtest.h>

#include "cockpit/vss_tree.h"

namespace onboard::cockpit {

inline const VssTree& release_vss_tree() {
  static const VssTree tree = [] {
    auto t = VssTree::load_json(ONBOARD_VSS_JSON);
    if (!t.ok()) ADD_FAILURE() << t.error().message;
    return t.ok() ? std::move(t).value() : VssTree{};
  }();
  return tree;
}

}  // namespace onboard::cockpit
