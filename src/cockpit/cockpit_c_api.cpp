// The cockpit's C entry points (include/onboard/onboard_cockpit.h). No exception crosses.
#include <cstdlib>
#include <cstring>

#include "api/c_api_errors.h"
#include "cockpit/cockpit_agent.h"
#include "cockpit/cockpit_routes.h"
#include "cockpit/simulated_vehicle.h"
#include "onboard/onboard_cockpit.h"

struct onboard_cockpit {
  std::unique_ptr<onboard::cockpit::SimulatedVehicle> vehicle;
  std::unique_ptr<onboard::cockpit::CockpitAgent> agent;
};

using onboard::api::fail;
using onboard::api::guarded;

onboard_status onboard_cockpit_create_simulated(const char* vss_json, onboard_cockpit** out_cockpit) {
  return guarded([&]() -> onboard_status {
    if (!out_cockpit) return fail(ONBOARD_ERR_INVALID_ARGUMENT, "out_cockpit is NULL");
    *out_cockpit = nullptr;
    auto tree = onboard::cockpit::VssTree::load_json(vss_json ? vss_json : ONBOARD_VSS_JSON);
    if (!tree.ok()) return fail(tree.error());
    auto c = std::make_unique<onboard_cockpit>();
    onboard::cockpit::SimulationOptions sim;
    sim.realtime = true;
    c->vehicle = onboard::cockpit::make_simulated_vehicle(std::move(*tree), sim);
    c->agent = std::make_unique<onboard::cockpit::CockpitAgent>(*c->vehicle);
    *out_cockpit = c.release();
    return ONBOARD_OK;
  });
}

void onboard_cockpit_free(onboard_cockpit* cockpit) { delete cockpit; }  // NOLINT: the C ABI's owner

onboard_status onboard_cockpit_turn(onboard_cockpit* cockpit, const char* request_json, char** out_json) {
  return guarded([&]() -> onboard_status {
    if (!cockpit || !request_json || !out_json)
      return fail(ONBOARD_ERR_INVALID_ARGUMENT, "cockpit, request_json and out_json must not be NULL");
    *out_json = nullptr;
    auto request = onboard::cockpit::parse_turn_request(request_json);
    if (!request.ok()) return fail(request.error());
    std::string answer = onboard::cockpit::to_json(cockpit->agent->turn(*request)).dump();
    char* s = static_cast<char*>(std::malloc(answer.size() + 1));
    if (!s) return fail(ONBOARD_ERR_INTERNAL, "out of memory");
    std::memcpy(s, answer.c_str(), answer.size() + 1);
    *out_json = s;
    return ONBOARD_OK;
  });
}

void onboard_cockpit_string_free(char* s) { std::free(s); }
