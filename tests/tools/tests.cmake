# End-to-end: the `onboard` command on the fixture models, compared by the fixtures' own
# independent checker (shared/fixtures/check.py), and its error paths.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(ONBOARD_FIXTURE_PROMPT "<｜User｜>请打开车窗一半，然后播放音乐 please<｜Assistant｜>")
foreach(model tiny-qwen2 tiny-llama)
  foreach(threads 1 2)
    add_test(NAME tools.run_dump_logits_${model}_t${threads}
      COMMAND ${CMAKE_COMMAND}
        -DCLI=$<TARGET_FILE:onboard_cli> -DPYTHON=${Python3_EXECUTABLE}
        -DMODEL=${ONBOARD_FIXTURES_DIR}/models/${model}.gguf
        -DEXPECTED=${ONBOARD_FIXTURES_DIR}/models/${model}.expected.json
        -DCHECK=${ONBOARD_FIXTURES_DIR}/check.py -DTHREADS=${threads}
        -DPROMPT=${ONBOARD_FIXTURE_PROMPT}
        -DOUT=${CMAKE_BINARY_DIR}/dump-${model}-t${threads}.json
        -P ${CMAKE_CURRENT_LIST_DIR}/run_dump_logits.cmake)
  endforeach()
endforeach()

add_test(NAME tools.errors_are_one_line COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:onboard_cli>
  -DFIXTURES=${ONBOARD_FIXTURES_DIR} -DWORK=${CMAKE_BINARY_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/cli_errors.cmake)
