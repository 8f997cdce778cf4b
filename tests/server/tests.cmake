# The OpenAI-compatible server driven over HTTP by Node tests (the official `openai` npm
# package, installed by `make deps`, and raw sockets): each test starts `onboard serve` on the
# tiny fixture model on a free port of 127.0.0.1 and stops it itself.
find_program(ONBOARD_NODE node)
if(ONBOARD_NODE)
  # structured_output / tool_choice: response_format, tools, logit_bias at temperature 1 on the
  # random-weight models, checked with ajv.
  foreach(name openai_client robustness structured_output tool_choice)
    add_test(NAME server.${name}
      COMMAND ${ONBOARD_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/${name}.test.mjs)
    set_tests_properties(server.${name} PROPERTIES TIMEOUT 300
      ENVIRONMENT "ONBOARD_CLI=$<TARGET_FILE:onboard_cli>;ONBOARD_FIXTURES_DIR=${ONBOARD_FIXTURES_DIR};ONBOARD_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endforeach()
  # Its disconnect checks count cancellations within seconds: run it alone, not beside the
  # slow acceptance test on a 2-core machine.
  set_tests_properties(server.robustness PROPERTIES RUN_SERIAL TRUE)
else()
  message(WARNING "node not found: the server's Node tests are not registered")
endif()
