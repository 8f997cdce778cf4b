// onboard serve --dms-camera N | --dms-video FILE: the driver monitor beside the model server,
// its warnings and VSS signals streamed on GET /v1/dms/events (SSE) for the console.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "server/http_server.h"

namespace onboard::dms {
class MonitorThread;
}
namespace onboard::server {
class EventBroadcast;
}

namespace onboard::cli {

struct DmsServeOptions {
  std::string video, config;
  int camera = -1;
  float speed_kmh = 80;
  bool enabled() const { return !video.empty() || camera >= 0; }
};

// The running monitor and its event backlog; destroying it stops the monitor and ends the streams.
struct DmsService {
  ~DmsService();
  std::shared_ptr<server::EventBroadcast> events;
  std::unique_ptr<dms::MonitorThread> thread;
};

// Starts the monitor and adds its route to `so`.
Expected<std::unique_ptr<DmsService>> start_dms_service(const DmsServeOptions& options, server::ServerOptions& so);

}  // namespace onboard::cli
