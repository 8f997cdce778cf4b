# The cockpit console in Debian's headless Chromium (playwright-core from npm): starts
# `onboard serve` on the tiny fixture model with the simulated vehicle; the screenshot lands in
# <build>/artifacts/cockpit/console.png.
find_program(ONBOARD_NODE node)
if(ONBOARD_NODE AND EXISTS /usr/bin/chromium)
  add_test(NAME cockpit.console
    COMMAND ${ONBOARD_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/console.test.mjs)
  set_tests_properties(cockpit.console PROPERTIES TIMEOUT 180
    ENVIRONMENT "ONBOARD_CLI=$<TARGET_FILE:onboard_cli>;ONBOARD_FIXTURES_DIR=${ONBOARD_FIXTURES_DIR};ONBOARD_ARTIFACTS_DIR=${CMAKE_BINARY_DIR}/artifacts/cockpit")
else()
  message(WARNING "node or /usr/bin/chromium not found: the cockpit console test is not registered")
endif()
