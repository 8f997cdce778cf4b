// Acceptance (slow, label `slow`, registered in tests.cmake; disabled in the default run):
// a synthesized R1-Distill-Qwen-1.5B (all 28 layers) quantized by `onboard quantize` to Q4_K_M
// and Q8_0 generates, and its logits stay within a stated distance of the same model run in
// F32 on dequantized weights (an F32 file made by `onboard quantize ... F32` from the
// quantized file). The F16 source is kept in the build directory and reused.
//
// Stated bounds (quantized vs its dequantized F32, over every prompt position and the whole
// vocabulary): relative RMS logit error <= 4% and top-1 agreement >= 75% for both types (the
// only difference is the activation quantization of the quantized kernels, accumulated over
// 28 layers of random weights); the greedy continuation must produce tokens. Quantization
// error against the F16 source is reported, with a loose sanity bound (Q8_0 <= 5%,
// Q4_K_M <= 35%). Measured (seed 1, 12-token prompt, AVX2, 2 threads): Q4_K_M 2.23% / 11 of 12
// vs dequantized F32, 22.1% vs F16; Q8_0 1.57% / 12 of 12, 2.4% vs F16.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdarg>

#include "synth_test_util.h"

namespace onboard {
namespace {

using synth_test::distance;
using synth_test::run_cli;
using synth_test::run_prompt;

// Progress lines go out at once (the run takes minutes; ctest -V shows them as they come).
[[gnu::format(printf, 1, 2)]] void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vprintf(fmt, ap);
  va_end(ap);
  std::fflush(stdout);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(SynthAcceptance, DISABLED_R1DistillQwen15BQuantizedMatchesDequantizedF32) {
  const std::string dir = std::string(ONBOARD_BINARY_DIR) + "/synth-models";
  std::filesystem::create_directories(dir);
  const std::string f16 = dir + "/r1-distill-qwen-1.5b-f16.gguf";
  const auto t_all = std::chrono::steady_clock::now();
  if (!std::filesystem::exists(f16)) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_cli("synth --model r1-distill-qwen-1.5b --seed 1 -o '" + f16 + "' --tokenizer '" +
                           synth_test::tokenizer_hint() + "'");
    ASSERT_EQ(r.status, 0) << r.output;
    say("synth F16: %.1f s\n%s", seconds_since(t0), r.output.c_str());
  } else {
    say("reusing %s\n", f16.c_str());
  }

  auto f16_model = runtime::load(f16);
  ASSERT_TRUE(f16_model.ok()) << f16_model.error().message;
  ASSERT_EQ((*f16_model)->model->config().n_layer, 28);
  const std::vector<int32_t> prompt = (*f16_model)->tokenizer.encode(
      "<\uff5cUser\uff5c>Is the rear left window open?<\uff5cAssistant\uff5c><think>\n", {.add_bos = true});
  const auto ref16 = run_prompt(*(*f16_model)->model, prompt, 0);
  f16_model->reset();

  struct Case {
    const char* type;
    double max_vs_f16;
  };
  for (const Case c : {Case{"Q4_K_M", 0.35}, Case{"Q8_0", 0.05}}) {
    SCOPED_TRACE(c.type);
    const std::string q = dir + "/r1-distill-qwen-1.5b-" + c.type + ".gguf";
    const std::string deq = dir + "/r1-distill-qwen-1.5b-" + c.type + "-f32.gguf";
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_cli("quantize '" + f16 + "' '" + q + "' " + c.type);
    ASSERT_EQ(r.status, 0) << r.output;
    say("quantize F16 -> %s: %.1f s\n%s", c.type, seconds_since(t0), r.output.c_str());
    t0 = std::chrono::steady_clock::now();
    r = run_cli("quantize '" + q + "' '" + deq + "' F32");
    ASSERT_EQ(r.status, 0) << r.output;
    say("quantize %s -> F32: %.1f s\n", c.type, seconds_since(t0));

    t0 = std::chrono::steady_clock::now();
    synth_test::Logits lq, ld;
    {
      auto m = runtime::load(q);
      ASSERT_TRUE(m.ok()) << m.error().message;
      lq = run_prompt(*(*m)->model, prompt, 8);
    }
    {
      auto m = runtime::load(deq);
      ASSERT_TRUE(m.ok()) << m.error().message;
      ld = run_prompt(*(*m)->model, prompt, 8);
    }
    std::filesystem::remove(deq);
    const auto d = distance(lq, ld);
    const auto d16 = distance(lq, ref16);
    say("%s vs F32 on its dequantized weights (%zu positions x %zu logits): rel. RMS %.4f (bound 0.04), "
                "top-1 agreement %.2f (bound 0.75), max |diff| %.3f; vs the F16 source: rel. RMS %.4f (bound %.2f), "
                "top-1 %.2f; forward passes %.1f s\n",
                c.type, lq.rows.size(), lq.rows.empty() ? size_t{0} : lq.rows[0].size(), d.rel_rms, d.top1_agree,
                d.max_abs, d16.rel_rms, c.max_vs_f16, d16.top1_agree, seconds_since(t0));
    RecordProperty(std::string(c.type) + "_rel_rms_vs_dequant_f32", std::to_string(d.rel_rms));
    RecordProperty(std::string(c.type) + "_rel_rms_vs_f16", std::to_string(d16.rel_rms));
    EXPECT_EQ(lq.rows.size(), prompt.size());
    EXPECT_LE(d.rel_rms, 0.04);
    EXPECT_GE(d.top1_agree, 0.75);
    EXPECT_LE(d16.rel_rms, c.max_vs_f16);
    ASSERT_EQ(lq.greedy.size(), 8u);
    for (int32_t t : lq.greedy) EXPECT_LT(t, 151936);

    // And the command generates from the quantized file.
    r = run_cli("run -m '" + q + "' -p 'Hello' -n 4 --temp 0 -t 2");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("generated 4 tokens"), std::string::npos) << r.output;
    std::filesystem::remove(q);
  }
  say("acceptance total: %.1f s\n", seconds_since(t_all));
}

}  // namespace
}  // namespace onboard
