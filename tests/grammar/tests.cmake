# ajv (npm, installed by `make deps`) checks the labels of the JSON Schema keyword cases that
# test_grammar drives through the compiled grammars.
find_program(ONBOARD_NODE node)
if(ONBOARD_NODE)
  add_test(NAME grammar.ajv_verdicts
    COMMAND ${ONBOARD_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/ajv_verdicts.test.mjs)
  set_tests_properties(grammar.ajv_verdicts PROPERTIES TIMEOUT 120)
else()
  message(WARNING "node not found: grammar.ajv_verdicts is not registered")
endif()
