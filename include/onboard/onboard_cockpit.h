/* Onboard cockpit agent: C ABI (errors as in onboard.h: a status, and onboard_last_error()).
 * A cockpit holds a vehicle (here the in-process simulation over the VSS release) and the
 * agent; one turn takes a spoken/typed request and answers with what was done, as JSON. */
#ifndef ONBOARD_ONBOARD_COCKPIT_H
#define ONBOARD_ONBOARD_COCKPIT_H

#include "onboard/onboard.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onboard_cockpit onboard_cockpit;

/* An agent over a real-time simulated vehicle loaded from the VSS release JSON at vss_json
 * (NULL: the release the library was built with). */
onboard_status onboard_cockpit_create_simulated(const char* vss_json, onboard_cockpit** out_cockpit);
void onboard_cockpit_free(onboard_cockpit* cockpit);

/* One turn. request_json: {"text": …, "seat"?: …, "lang"?: "zh"|"en", "session"?: …}, as
 * POST /v1/cockpit/turn takes. *out_json receives the answer ({reply, actions, route,
 * clarification?, refusal?, trace, latency_ms}), NUL-terminated, to release with
 * onboard_cockpit_string_free. */
onboard_status onboard_cockpit_turn(onboard_cockpit* cockpit, const char* request_json, char** out_json);
void onboard_cockpit_string_free(char* s);

#ifdef __cplusplus
}
#endif

#endif
