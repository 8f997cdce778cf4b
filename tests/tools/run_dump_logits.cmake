# onboard run --raw --temp 0 --dump-logits, then check.py must say PASS.
execute_process(COMMAND ${CLI} run -m ${MODEL} --raw -p "${PROMPT}" -n 16 --temp 0 --kv-type f32 -t ${THREADS}
                        --dump-logits ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onboard run failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${PYTHON} ${CHECK} logits ${OUT} ${EXPECTED} RESULT_VARIABLE rc OUTPUT_VARIABLE verdict)
message(STATUS "${verdict}")
if(NOT rc EQUAL 0 OR NOT verdict MATCHES "VERDICT: PASS")
  message(FATAL_ERROR "check.py did not pass:\n${verdict}")
endif()
