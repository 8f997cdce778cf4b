/* Onboard: embeddable on-vehicle inference engine. C ABI.
 *
 * Every function returns an onboard_status; on failure onboard_last_error() gives a message
 * naming what is wrong (thread-local, valid until the next call on the same thread). No C++
 * exception ever crosses this interface. Objects are created by the _create and _load calls and released
 * by the matching _free call; a model may be shared by several sessions, each used by one
 * thread at a time; onboard_session_cancel() may be called from any thread. */
#ifndef ONBOARD_ONBOARD_H
#define ONBOARD_ONBOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum onboard_status {
  ONBOARD_OK = 0,
  ONBOARD_ERR_INVALID_ARGUMENT = 1,
  ONBOARD_ERR_NOT_FOUND = 2,
  ONBOARD_ERR_CORRUPT = 3,
  ONBOARD_ERR_UNSUPPORTED = 4,
  ONBOARD_ERR_OUT_OF_RANGE = 5, /* context full, buffer too small */
  ONBOARD_ERR_IO = 6,
  ONBOARD_ERR_CANCELLED = 7,
  ONBOARD_ERR_INTERNAL = 8
} onboard_status;

typedef struct onboard_model onboard_model;
typedef struct onboard_session onboard_session;

typedef struct onboard_session_params {
  int32_t n_ctx;        /* context tokens (KV cache planned for them); default 4096 */
  int32_t n_threads;    /* 0 = all cores */
  int32_t kv_f16;       /* 1 = F16 KV cache (default), 0 = F32 */
  float temperature;    /* <= 0: greedy. Default 0.6 (DeepSeek's recommendation) */
  float top_p;          /* default 0.95 */
  int32_t top_k;        /* 0 = off */
  float min_p;          /* 0 = off */
  float repetition_penalty; /* 1 = off */
  uint64_t seed;
} onboard_session_params;

/* Called for each generated token with the UTF-8 text it completes (possibly empty while a
 * multi-byte character is split across tokens). Return 0 to stop generating. */
typedef int (*onboard_token_callback)(void* user_data, int32_t token, const char* text, size_t text_len);

const char* onboard_last_error(void);
const char* onboard_status_name(onboard_status status);

onboard_status onboard_model_load(const char* path, onboard_model** out_model);
void onboard_model_free(onboard_model* model);
int32_t onboard_model_n_vocab(const onboard_model* model);
int32_t onboard_model_eos(const onboard_model* model);

/* Writes up to `capacity` ids; *n_ids receives the full count (ONBOARD_ERR_OUT_OF_RANGE
 * when it exceeds capacity). */
onboard_status onboard_tokenize(const onboard_model* model, const char* text, int add_bos, int32_t* ids, size_t capacity,
                                size_t* n_ids);
/* Decodes ids to UTF-8 into buf (NUL-terminated); *len receives the text length. */
onboard_status onboard_detokenize(const onboard_model* model, const int32_t* ids, size_t n_ids, char* buf, size_t capacity,
                                  size_t* len);

onboard_session_params onboard_session_default_params(void);
onboard_status onboard_session_create(onboard_model* model, const onboard_session_params* params,
                                      onboard_session** out_session);
void onboard_session_free(onboard_session* session);
/* Forget the conversation (the KV cache is kept allocated). */
void onboard_session_reset(onboard_session* session);
/* Thread-safe: makes a running generate return ONBOARD_ERR_CANCELLED after the current token. */
void onboard_session_cancel(onboard_session* session);

/* Constrains what the session generates from now on (every token of later onboard_chat /
 * onboard_generate calls, EOS only where the output is complete): to a GBNF grammar
 * (llama.cpp's format), or to a JSON value of a JSON Schema given as JSON text. A grammar or
 * schema that cannot be enforced returns ONBOARD_ERR_INVALID_ARGUMENT (or UNSUPPORTED) with
 * onboard_last_error() naming the line:column or the keyword. NULL removes the constraint. */
onboard_status onboard_session_set_grammar(onboard_session* session, const char* gbnf);
onboard_status onboard_session_set_json_schema(onboard_session* session, const char* schema_json);

/* Renders one user message with the model's chat template, then generates up to
 * max_tokens, calling on_token for each. */
onboard_status onboard_chat(onboard_session* session, const char* user_message, int32_t max_tokens,
                            onboard_token_callback on_token, void* user_data);
/* Appends raw prompt ids to the context, then generates. */
onboard_status onboard_generate(onboard_session* session, const int32_t* prompt, size_t n_prompt, int32_t max_tokens,
                                onboard_token_callback on_token, void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* ONBOARD_ONBOARD_H */
