# The MediaPipe reference regenerated from the official web solutions (headless Chromium, wasm;
# ~1 min on a loaded 2-core machine, hence "slow"), then the conformance test run against it: the
# committed tests/vision/mediapipe_reference.json is what `test_vision` uses by default.
find_program(ONBOARD_NODE node)
find_program(ONBOARD_CHROMIUM chromium)
if(ONBOARD_NODE AND ONBOARD_CHROMIUM)
  set(vision_photos /usr/lib/python3/dist-packages/skimage/data/astronaut.png
      /usr/share/doc/opencv-doc/examples/data/messi5.jpg)
  foreach(i RANGE 1 6)
    list(APPEND vision_photos ${CMAKE_SOURCE_DIR}/node_modules/@vladmandic/face-api/demo/sample${i}.jpg)
  endforeach()
  add_test(NAME vision.mediapipe_reference_fresh
    COMMAND sh -c "node=\"$1\" script=\"$2\" out=\"$3\" test=\"$4\"; shift 4; \"$node\" \"$script\" \"$out\" \"$@\" && ONBOARD_MEDIAPIPE_REFERENCE=\"$out\" \"$test\" --gtest_filter=FacePipelineConformance.*"
            sh ${ONBOARD_NODE} ${CMAKE_CURRENT_LIST_DIR}/mediapipe_reference.mjs
            ${CMAKE_BINARY_DIR}/mediapipe_reference.json $<TARGET_FILE:test_vision> ${vision_photos})
  set_tests_properties(vision.mediapipe_reference_fresh PROPERTIES TIMEOUT 300 LABELS slow)
else()
  message(WARNING "node or chromium not found: vision.mediapipe_reference_fresh is not registered")
endif()
