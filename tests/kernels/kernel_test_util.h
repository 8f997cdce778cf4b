// Inputs shared by the kernel tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace onboard::kernels {

// n draws of N(0, scale²), the same sequence for the same seed.
inline std::vector<float> gaussian(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace onboard::kernels
