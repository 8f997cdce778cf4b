# The driver monitor's event stream (GET /v1/dms/events) driven over HTTP by Node.
find_program(ONBOARD_NODE node)
if(ONBOARD_NODE)
  add_test(NAME dms.events_sse
    COMMAND ${ONBOARD_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/dms_events.test.mjs)
  set_tests_properties(dms.events_sse PROPERTIES TIMEOUT 120
    ENVIRONMENT "ONBOARD_CLI=$<TARGET_FILE:onboard_cli>;ONBOARD_FIXTURES_DIR=${ONBOARD_FIXTURES_DIR}")
else()
  message(WARNING "node not found: the DMS event stream test is not registered")
endif()
