#include "vision/ops/elementwise.h"

namespace onboard::vision::ops {

void add(const float* a, const float* b, float* out, int64_t n, Act act) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
  if (act != Act::kNone)
    for (int64_t i = 0; i < n; ++i) out[i] = activate(out[i], act);
}

void relu(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void prelu(const float* in, const float* alpha, int64_t alpha_n, float* out, int64_t n) {
  for (int64_t base = 0; base < n; base += alpha_n)
    for (int64_t i = 0; i < alpha_n; ++i) {
      const float x = in[base + i];
      out[base + i] = x >= 0.0f ? x : alpha[i] * x;
    }
}

}  // namespace onboard::vision::ops
