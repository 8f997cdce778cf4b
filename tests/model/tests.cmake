# Slow acceptance test (excluded from the sanitizer run): a full-size synthesized
# R1-Distill-Qwen-1.5B quantized to Q4_K_M and Q8_0 against F32 on its dequantized weights.
# It is a disabled gtest in test_model, run here on purpose. ~4 min on 2 idle cores (6.5 min measured under load); writes up to
# ~11 GB under the build directory (the 3.4 GB F16 source is kept for reuse).
add_test(NAME model.synth_acceptance_r1_distill_qwen_1_5b
  COMMAND test_model --gtest_filter=SynthAcceptance.* --gtest_also_run_disabled_tests)
set_tests_properties(model.synth_acceptance_r1_distill_qwen_1_5b PROPERTIES
  LABELS slow TIMEOUT 900 ENVIRONMENT "ONBOARD_CLI=$<TARGET_FILE:onboard_cli>")
