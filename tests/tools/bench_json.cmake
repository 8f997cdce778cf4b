# onboard bench --json on a fixture model; bench_json_check.py judges the object.
execute_process(COMMAND ${CLI} bench -m ${MODEL} -p 16 -n 8 -r 2 -t ${THREADS} --json
                RESULT_VARIABLE rc OUTPUT_FILE ${OUT} ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onboard bench failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${PYTHON} ${CHECK} ${OUT} ${HF_CONFIG} ${THREADS} 16 8 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE verdict ERROR_VARIABLE err)
message(STATUS "${verdict}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bench --json check failed:\n${verdict}${err}")
endif()
