// The vehicle over HTTP, installed into `onboard serve` through ServerOptions::extra_routes:
//   GET /v1/vehicle/signals?paths=a,b    current values (a branch path stands for its leaves)
//     → {"signals":{"<path>":{"value":…,"target":… (while an actuator moves),"type","datatype","unit"}}}
//   PUT /v1/vehicle/signals {"signals":{"Vehicle.Speed":80}}   a provider sets values (tests,
//     demos; all or nothing), → the new values as GET gives them
//   GET /v1/vehicle/stream?paths=…        Server-Sent Events: the current values, then every
//     change, one `data: {"path":…,"value":…}` event each
// Errors: {"error":{"message","type","code"}} with 400 (bad value/type), 404 (unknown path),
// 503 (no provider).
#pragma once

#include <functional>
#include <memory>

#include "cockpit/vehicle.h"

namespace httplib {
class Server;
}

namespace onboard::cockpit {

std::function<void(httplib::Server&)> vehicle_routes(std::shared_ptr<Vehicle> vehicle);

}  // namespace onboard::cockpit
