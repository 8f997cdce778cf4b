// How many bytes of weights one decoded token reads: the figure that turns decode tokens/s into
// achieved memory bandwidth (onboard bench's decode GB/s).
#pragma once

#include <cstdint>

#include "model/model.h"

namespace onboard::runtime {

// Every weight tensor's bytes, except: the token embedding counts one row (a lookup), unless it
// doubles as the output head (tied_output), when it is read whole; MoE expert stacks (*_exps)
// count the share of n_expert_used of n_expert (the routed experts of one token). KV-cache and
// activation traffic are not weights and are not counted.
uint64_t decode_weight_bytes_per_token(const model::Model& model);

// All weight bytes of the file (the "size" column) and the number of parameters.
uint64_t weight_bytes(const model::Model& model);
uint64_t parameter_count(const model::Model& model);

}  // namespace onboard::runtime
