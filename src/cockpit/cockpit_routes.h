// POST /v1/cockpit/turn {text, seat?, lang?, session?} → the agent's TurnResult as JSON
// ({reply, actions, route, clarification?, refusal?, trace, latency_ms}); installed through
// ServerOptions::extra_routes.
#pragma once

#include "cockpit/cockpit_agent.h"

namespace httplib { class Server; }

namespace onboard::cockpit {

void install_cockpit_routes(httplib::Server& server, CockpitAgent& agent);

// Parses and checks a turn request body; errors name the field.
Expected<TurnRequest> parse_turn_request(std::string_view body);

}  // namespace onboard::cockpit
