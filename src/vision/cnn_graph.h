// A TFLite graph made runnable on the vision ops: constants dequantized (fp16 -> fp32) and
// convolution weights repacked once at build; every activation gets a slice of one arena planned
// from tensor lifetimes, so run() allocates nothing. Shapes are static and checked at build.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/thread_pool.h"
#include "vision/ops/nhwc.h"
#include "vision/tflite_model.h"

namespace onboard::vision {

class CnnGraph {
 public:
  // `name` prefixes errors (e.g. the model file).
  static Expected<CnnGraph> build(const TfliteModel& model, const std::string& name);

  int input_count() const { return static_cast<int>(inputs_.size()); }
  int output_count() const { return static_cast<int>(outputs_.size()); }
  const std::vector<int>& input_shape(int i) const { return tensors_[inputs_[i]].shape; }
  const std::vector<int>& output_shape(int i) const { return tensors_[outputs_[i]].shape; }
  float* input(int i) { return arena_.data() + tensors_[inputs_[i]].arena_offset; }
  const float* output(int i) const { return arena_.data() + tensors_[outputs_[i]].arena_offset; }
  size_t arena_bytes() const { return arena_.size() * sizeof(float); }

  // pool may be null (one thread). Results do not depend on the number of threads.
  void run(ThreadPool* pool);

  struct Tensor {
    std::vector<int> shape;
    int64_t elements = 0;
    int64_t arena_offset = -1;  // activations
    std::vector<float> constant;  // constants (float32, dequantized float16)
    std::vector<int32_t> ints;    // int32 constants (paddings, shapes)
    bool is_constant() const { return arena_offset < 0; }
  };
  struct Step;

  CnnGraph();  // empty until build()
  CnnGraph(CnnGraph&&) noexcept;
  CnnGraph& operator=(CnnGraph&&) noexcept;
  ~CnnGraph();

 private:
  const float* data(int t) const;
  float* mutable_data(int t);

  std::vector<Tensor> tensors_;
  std::vector<Step> steps_;
  std::vector<int> inputs_, outputs_;
  std::vector<float> arena_;
  std::vector<float> zeros_;  // read in place of convolution padding
};

}  // namespace onboard::vision
