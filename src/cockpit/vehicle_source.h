// Opens the vehicle named on a command line: "sim" (the in-process simulation, advancing in
// real time) or a KUKSA.val v2 databroker's host:port, over the VSS release file given (empty:
// the build's default, ONBOARD_VSS_JSON).
#pragma once

#include <memory>
#include <string>

#include "cockpit/vehicle.h"

namespace onboard::cockpit {

std::string default_vss_file();
Expected<std::unique_ptr<Vehicle>> open_vehicle(const std::string& which, const std::string& vss_file);

}  // namespace onboard::cockpit
