#include "runtime/recommended_sampling.h"

namespace onboard::runtime {

SamplerParams recommended_sampling(const model::ModelConfig& c) {
  SamplerParams p;
  if (c.sampling_temp >= 0) p.temperature = c.sampling_temp;
  if (c.sampling_top_p >= 0) p.top_p = c.sampling_top_p;
  if (c.sampling_min_p >= 0) p.min_p = c.sampling_min_p;
  if (c.sampling_top_k >= 0) p.top_k = c.sampling_top_k;
  return p;
}

}  // namespace onboard::runtime
