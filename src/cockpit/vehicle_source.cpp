#include "cockpit/vehicle_source.h"

#include "cockpit/kuksa_client.h"
#include "cockpit/simulated_vehicle.h"

namespace onboard::cockpit {

std::string default_vss_file() { return ONBOARD_VSS_JSON; }

Expected<std::unique_ptr<Vehicle>> open_vehicle(const std::string& which, const std::string& vss_file) {
  if (which.empty()) return make_error(ErrorCode::kInvalidArgument, "--vehicle: give 'sim' or a KUKSA databroker's host:port");
  ONBOARD_ASSIGN_OR_RETURN(VssTree tree, VssTree::load_json(vss_file.empty() ? default_vss_file() : vss_file));
  if (which == "sim") {
    SimulationOptions options;
    options.realtime = true;
    return std::unique_ptr<Vehicle>(make_simulated_vehicle(std::move(tree), options));
  }
  if (which.find(':') == std::string::npos)
    return make_error(ErrorCode::kInvalidArgument, "--vehicle '" + which + "': expected 'sim' or host:port");
  return make_kuksa_client(which, std::move(tree));
}

}  // namespace onboard::cockpit
