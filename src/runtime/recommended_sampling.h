// Sampling a model recommends: the file's general.sampling.* keys when present, else
// DeepSeek's advice for R1 models (temperature 0.6, top-p 0.95: SamplerParams' defaults).
#pragma once

#include "model/model_config.h"
#include "runtime/sampler.h"

namespace onboard::runtime {

SamplerParams recommended_sampling(const model::ModelConfig& config);

}  // namespace onboard::runtime
