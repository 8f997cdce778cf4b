// Numerically stable softmax and the logistic function, in float (reference §1.2: the
// attention and router softmaxes are computed in fp32).
#pragma once

#include <cstdint>

namespace onboard::kernels {

// x[i] <- exp(x[i] - max x) / sum_j exp(x[j] - max x).
void softmax(float* x, int64_t n);
// x[i] <- 1 / (1 + exp(-x[i])).
void sigmoid(float* x, int64_t n);

}  // namespace onboard::kernels
