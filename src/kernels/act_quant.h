// Activation formats for the dot kernels (shared by every ISA variant).
// Reference: shared/reference/deepseek-models.md §7.1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace onboard::kernels {

size_t act_bytes_f32(int64_t n);
size_t act_bytes_q8_0(int64_t n);
size_t act_bytes_q8_k(int64_t n);

// Copies the floats.
void quantize_act_f32(const float* x, void* dst, int64_t n);
// Per 32: d = max|x|/127 (stored fp16), q = round-half-away(x/d).
void quantize_act_q8_0(const float* x, void* dst, int64_t n);
// Per 256: m = the value of largest magnitude, iscale = −127/m, q = min(127, round-half-even(iscale·x)),
// d = 1/iscale (f32), bsums = sums of 16 q's.
void quantize_act_q8_k(const float* x, void* dst, int64_t n);

}  // namespace onboard::kernels
