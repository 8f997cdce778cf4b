// A Vehicle over a KUKSA.val v2 databroker (Eclipse KUKSA's, or `onboard vehicle`), through
// the gRPC stub. The VSS tree is the one the broker was started with (the same release file);
// values are sent in the signal's datatype (uint8 as uint32, …) as KUKSA requires.
#pragma once

#include <memory>
#include <string>

#include "cockpit/vehicle.h"

namespace onboard::cockpit {

// `address`: "host:port". Fails (kUnavailable) when nothing answers there within 5 s.
Expected<std::unique_ptr<Vehicle>> make_kuksa_client(const std::string& address, VssTree tree);

}  // namespace onboard::cockpit
