// onboard vehicle: the simulated vehicle served as a KUKSA.val v2 databroker (gRPC), for the
// cockpit, KUKSA clients and tests.
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

#include "cli_options.h"
#include "cockpit/kuksa_broker.h"
#include "cockpit/simulated_vehicle.h"
#include "cockpit/vehicle_source.h"
#include "commands.h"

namespace onboard::cli {

int cmd_vehicle(int argc, char** argv) {
  CLI::App app{"Run a simulated vehicle (every VSS signal; slow windows and seats) as a KUKSA.val v2 databroker",
               "onboard vehicle"};
  std::string host = "127.0.0.1", vss;
  int port = 55555;
  app.add_option("--host", host, "address to bind (default 127.0.0.1: this machine only)");
  app.add_option("--port", port, "gRPC port (KUKSA's default 55555; 0: any free one)");
  app.add_option("--vss", vss, "VSS release JSON (default: " + cockpit::default_vss_file() + ")");
  CLI11_PARSE(app, argc, argv);
  if (port < 0 || port > 65535) return fail(make_error(ErrorCode::kInvalidArgument, "--port must be 0…65535"));

  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  auto tree = cockpit::VssTree::load_json(vss.empty() ? cockpit::default_vss_file() : vss);
  if (!tree.ok()) return fail(tree.error());
  const size_t n_signals = tree->signals().size();
  cockpit::SimulationOptions options;
  options.realtime = true;
  auto sim = cockpit::make_simulated_vehicle(std::move(*tree), options);
  auto broker = cockpit::KuksaBroker::start(*sim, host + ":" + std::to_string(port));
  if (!broker.ok()) return fail(broker.error());
  std::printf("onboard: KUKSA.val v2 databroker on %s:%d (simulated vehicle, %zu VSS signals)\n", host.c_str(),
              (*broker)->port(), n_signals);
  std::fflush(stdout);

  std::thread signals([&broker, sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    std::fprintf(stderr, "onboard: signal %d, stopping\n", sig);
    (*broker)->shutdown();
  });
  (*broker)->wait();
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  return 0;
}

}  // namespace onboard::cli
