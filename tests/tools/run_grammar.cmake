# `onboard run --json-schema` / `--grammar` on the random-weight tiny model at temperature 1:
# the printed answer is an instance of the schema (checked here by its allowed values), for
# several seeds; a bad grammar or an unsupported keyword is one error line naming it.
file(WRITE ${WORK}/grammar-choice.json [=[{"type": "object", "properties": {"window": {"enum": ["front_left", "rear_right"]}, "open": {"type": "boolean"}}, "required": ["window", "open"], "additionalProperties": false}]=])
foreach(seed 1 2 3)
  execute_process(COMMAND ${CLI} run -m ${MODEL} --raw -p "Open a window" -n 200 --temp 1 --seed ${seed} -t 2
                          --json-schema ${WORK}/grammar-choice.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(STRIP "${out}" out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "seed ${seed}: exit ${rc}: ${err}")
  endif()
  if(NOT out MATCHES "^{ ?\"window\": ?\"(front_left|rear_right)\", ?\"open\": ?(true|false) ?}$")
    message(FATAL_ERROR "seed ${seed}: '${out}' is not an instance of the schema")
  endif()
endforeach()
file(WRITE ${WORK}/grammar-yn.gbnf "root ::= (\"yes\" | \"no\") \"!\"\n")
execute_process(COMMAND ${CLI} run -m ${MODEL} --raw -p "Well?" -n 50 --temp 1 --seed 4 -t 2 --grammar ${WORK}/grammar-yn.gbnf
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(STRIP "${out}" out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^(yes|no)!$")
  message(FATAL_ERROR "--grammar: exit ${rc}, output '${out}': ${err}")
endif()

function(expect_error what pattern)
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(STRIP "${err}" err)
  string(REGEX REPLACE "^.*\n" "" err "${err}")
  if(rc EQUAL 0 OR NOT err MATCHES "^onboard: .*${pattern}")
    message(FATAL_ERROR "${what}: exit ${rc}, stderr '${err}' does not match '${pattern}'")
  endif()
endfunction()
file(WRITE ${WORK}/grammar-bad.gbnf "root ::= \"a\" undefined-rule\n")
expect_error("bad grammar" "grammar-bad.gbnf: grammar:1:14: undefined rule 'undefined-rule'"
             run -m ${MODEL} --raw -p x -n 4 --grammar ${WORK}/grammar-bad.gbnf)
file(WRITE ${WORK}/grammar-bad.json [=[{"type": "integer", "multipleOf": 3}]=])
expect_error("unsupported keyword" "unsupported keyword 'multipleOf'" run -m ${MODEL} --raw -p x -n 4 --json-schema ${WORK}/grammar-bad.json)
