# Bad input to the command gives one error line on stderr (the last one; progress lines may
# precede it) naming the problem, and a non-zero exit code.
function(expect_error what pattern)
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(STRIP "${err}" err)
  string(REGEX REPLACE "^.*\n" "" err "${err}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${what}: exit code 0")
  endif()
  if(NOT err MATCHES "^onboard: .*${pattern}")
    message(FATAL_ERROR "${what}: stderr '${err}' does not match '${pattern}'")
  endif()
endfunction()

file(WRITE ${WORK}/not-a-model.gguf "this is text, not a model")
file(READ ${FIXTURES}/models/tiny-qwen2.gguf head LIMIT 5000 HEX)
# A truncated download: the first 2500 bytes of a real model.
string(SUBSTRING "${head}" 0 5000 head)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${head}")
execute_process(COMMAND printf "${escaped}" OUTPUT_FILE ${WORK}/truncated.gguf)

expect_error("missing file" "no/such/file.gguf: cannot open" run -m /no/such/file.gguf -p hi)
expect_error("not GGUF" "bad magic" run -m ${WORK}/not-a-model.gguf -p hi)
expect_error("truncated" "truncated" run -m ${WORK}/truncated.gguf -p hi)
expect_error("unknown architecture" "unknown architecture 'quant-blocks'" run -m ${FIXTURES}/quant/quant-blocks.gguf -p hi)
expect_error("context overflow" "context" run -m ${FIXTURES}/models/tiny-llama.gguf -c 8 --raw -p "a b c d e f g h i j k l m n o p" -n 4)
