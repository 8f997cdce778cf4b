# End-to-end: the `onboard` command on the fixture models, compared by the fixtures' own
# independent checker (shared/fixtures/check.py), and its error paths.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(ONBOARD_FIXTURE_PROMPT "<｜User｜>请打开车窗一半，然后播放音乐 please<｜Assistant｜>")
foreach(model tiny-qwen2 tiny-llama tiny-v2 tiny-v2-lite tiny-v3-mla)
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

# `onboard tokenize --ids` gives the fixture's prompt ids (Hugging Face's, BOS included).
add_test(NAME tools.tokenize_ids_match_fixture COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:onboard_cli>
  -DMODEL=${ONBOARD_FIXTURES_DIR}/models/tiny-qwen2.gguf
  "-DPROMPT=${ONBOARD_FIXTURE_PROMPT}"
  "-DEXPECT=[151646, 151644, 14880, 104089, 39953, 100237, 104950, 3837, 101889, 105956, 101941, 4486, 151645]"
  -P ${CMAKE_CURRENT_LIST_DIR}/tokenize_ids.cmake)

# `onboard chat` with the current R1-Distill template (--chat-template), which prefills
# "<think>\n": the answer starts as reasoning, shown apart ("Thinking: ") from the answer;
# /reset and end of input are handled.
add_test(NAME tools.chat_shows_reasoning_apart COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:onboard_cli>
  -DMODEL=${ONBOARD_FIXTURES_DIR}/models/tiny-qwen2.gguf -DWORK=${CMAKE_BINARY_DIR}
  -DTEMPLATE=${CMAKE_SOURCE_DIR}/tests/text/templates/llamacpp-r1-distill-qwen-32b.jinja
  -P ${CMAKE_CURRENT_LIST_DIR}/chat_session.cmake)

# `onboard bench --json`: one JSON object whose figures are positive and consistent, and whose
# decode bytes/token match what the model's shapes say decode reads (dense and MoE).
foreach(model tiny-qwen2 tiny-v2-lite)
  add_test(NAME tools.bench_json_${model} COMMAND ${CMAKE_COMMAND}
    -DCLI=$<TARGET_FILE:onboard_cli> -DPYTHON=${Python3_EXECUTABLE}
    -DMODEL=${ONBOARD_FIXTURES_DIR}/models/${model}.gguf
    -DHF_CONFIG=${ONBOARD_FIXTURES_DIR}/models/${model}.hf-config.json
    -DCHECK=${CMAKE_CURRENT_LIST_DIR}/bench_json_check.py -DTHREADS=2
    -DOUT=${CMAKE_BINARY_DIR}/bench-${model}.json
    -P ${CMAKE_CURRENT_LIST_DIR}/bench_json.cmake)
endforeach()

# `onboard run --json-schema FILE` / `--grammar FILE`: output valid by construction, errors named.
add_test(NAME tools.run_grammar COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:onboard_cli>
  -DMODEL=${ONBOARD_FIXTURES_DIR}/models/tiny-qwen2.gguf -DWORK=${CMAKE_BINARY_DIR}
  -P ${CMAKE_CURRENT_LIST_DIR}/run_grammar.cmake)
