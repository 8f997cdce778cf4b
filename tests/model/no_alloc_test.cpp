// The token loop allocates nothing: after the state is planned, forward() and the sampler
// make no heap allocation (counted by replacing the global operator new in this binary).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "format/gguf.h"
#include "model/model.h"
#include "runtime/sampler.h"

#include "../allocation_counter.h"

namespace onboard::model {
namespace {

TEST(TokenLoop, ForwardAndSamplingDoNotAllocate) {
  {  // the counter itself works
    g_allocations = 0;
    g_counting = true;
    auto probe = std::make_unique<std::vector<int>>(100);
    g_counting = false;
    ASSERT_GE(g_allocations.load(), 2);
  }
  for (const char* name : {"tiny-qwen2", "tiny-llama", "tiny-v2", "tiny-v2-lite", "tiny-v3-mla"}) {
    auto file = gguf::GgufFile::open(std::string(ONBOARD_FIXTURES_DIR) + "/models/" + name + ".gguf");
    ASSERT_TRUE(file.ok());
    auto model = load_model(std::move(*file));
    ASSERT_TRUE(model.ok()) << model.error().message;
    StateOptions opt;
    opt.n_ctx = 64;
    opt.n_threads = 2;
    auto state = (*model)->new_state(opt);
    ASSERT_TRUE(state.ok());
    ThreadPool pool(2);
    runtime::SamplerParams sp;
    sp.temperature = 0.7f;
    sp.top_k = 40;
    sp.repetition_penalty = 1.1f;
    runtime::Sampler sampler((*state)->n_vocab(), sp);
    const std::vector<int32_t> prompt = {0, 1, 2, 3, 4, 5};
    ASSERT_TRUE((*model)->forward(**state, prompt, 0, pool).ok());  // warm-up outside the count

    g_allocations = 0;
    g_counting = true;
    int64_t pos = static_cast<int64_t>(prompt.size());
    for (int i = 0; i < 8; ++i) {
      const int32_t tok = sampler.sample((*state)->logits(0));
      sampler.accept(tok);
      Status st = (*model)->forward(**state, std::span<const int32_t>(&tok, 1), pos++, pool);
      if (!st.ok()) break;
    }
    ASSERT_TRUE((*model)->forward(**state, prompt, pos, pool).ok());  // a batch too
    g_counting = false;
    EXPECT_EQ(g_allocations.load(), 0) << name;
  }
}

}  // namespace
}  // namespace onboard::model
