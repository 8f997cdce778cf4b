#include "serve_dms.h"

#include <cstdio>

#include "dms/dms_json.h"
#include "dms/monitor_thread.h"
#include "server/event_broadcast.h"

namespace onboard::cli {

DmsService::~DmsService() {
  if (thread) thread->stop();
  if (events) events->close();
}

Expected<std::unique_ptr<DmsService>> start_dms_service(const DmsServeOptions& options, server::ServerOptions& so) {
  dms::DriverMonitorOptions mo;
  if (!options.config.empty()) {
    ONBOARD_ASSIGN_OR_RETURN(mo.config, dms::DmsConfig::load(options.config));
  }
  ONBOARD_ASSIGN_OR_RETURN(dms::FrameSource source, options.video.empty() ? dms::FrameSource::open_camera(options.camera)
                                                                          : dms::FrameSource::open_video(options.video));
  ONBOARD_ASSIGN_OR_RETURN(dms::DriverMonitor monitor, dms::DriverMonitor::load(mo));
  auto service = std::make_unique<DmsService>();
  auto events = service->events = std::make_shared<server::EventBroadcast>(256);
  events->publish("dms.status", nlohmann::json{{"state", "started"}, {"source", source.name()}}.dump());
  dms::MonitorCallbacks cb;
  cb.on_event = [events](const dms::DmsEvent& e) {
    events->publish("dms.warning", dms::event_json(e).dump());
    std::fprintf(stderr, "onboard: dms [%.3f s] %s: %s\n", e.t_s, dms::to_string(e.kind), e.detail.c_str());
  };
  cb.on_signals = [events](double t, const dms::DmsSignals& s) {
    dms::JsonSignalSink sink;
    dms::publish_signals(s, sink);
    nlohmann::json j = sink.json();
    j["t_s"] = t;
    events->publish("dms.signals", j.dump());
  };
  cb.on_error = [events](const Error& e) {
    events->publish("dms.status", nlohmann::json{{"state", "stopped"}, {"error", e.message}}.dump());
  };
  service->thread = std::make_unique<dms::MonitorThread>(std::move(source), std::move(monitor), options.speed_kmh, std::move(cb));
  so.extra_routes.push_back([events](httplib::Server& s) { server::install_event_stream(s, "/v1/dms/events", events); });
  return service;
}

}  // namespace onboard::cli
