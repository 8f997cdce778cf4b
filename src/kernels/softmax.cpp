#include "kernels/softmax.h"

#include <algorithm>
#include <cmath>

namespace onboard::kernels {

void softmax(float* x, int64_t n) {
  float max_x = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max_x = std::max(max_x, x[i]);
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max_x);
    sum += x[i];
  }
  const float inv = 1.0f / sum;
  for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

void sigmoid(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = 1.0f / (1.0f + std::exp(-x[i]));
}

}  // namespace onboard::kernels
