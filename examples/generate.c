/* Loads a model through the C ABI only, tokenizes a prompt, and streams a greedy answer.
 * usage: example_generate MODEL.gguf "prompt" [max_tokens] */
#include <stdio.h>
#include <stdlib.h>

#include "onboard/onboard.h"

static int print_token(void* user_data, int32_t token, const char* text, size_t len) {
  (void)token;
  int* count = (int*)user_data;
  ++*count;
  fwrite(text, 1, len, stdout);
  fflush(stdout);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL.gguf PROMPT [MAX_TOKENS]\n", argv[0]);
    return 2;
  }
  onboard_model* model = NULL;
  if (onboard_model_load(argv[1], &model) != ONBOARD_OK) {
    fprintf(stderr, "load failed: %s\n", onboard_last_error());
    return 1;
  }
  onboard_session_params params = onboard_session_default_params();
  params.temperature = 0.0f; /* greedy: reproducible */
  params.n_ctx = 512;
  onboard_session* session = NULL;
  if (onboard_session_create(model, &params, &session) != ONBOARD_OK) {
    fprintf(stderr, "session failed: %s\n", onboard_last_error());
    onboard_model_free(model);
    return 1;
  }
  int32_t ids[512];
  size_t n_ids = 0;
  onboard_status st = onboard_tokenize(model, argv[2], 1, ids, 512, &n_ids);
  int generated = 0;
  if (st == ONBOARD_OK) {
    st = onboard_generate(session, ids, n_ids, argc > 3 ? atoi(argv[3]) : 32, print_token, &generated);
  }
  printf("\n");
  if (st != ONBOARD_OK) fprintf(stderr, "error (%s): %s\n", onboard_status_name(st), onboard_last_error());
  else fprintf(stderr, "%zu prompt tokens, %d generated\n", n_ids, generated);
  onboard_session_free(session);
  onboard_model_free(model);
  return st == ONBOARD_OK ? 0 : 1;
}
