#include "cockpit/vehicle_routes.h"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace onboard::cockpit {
namespace {

constexpr size_t kMaxSignalsPerRequest = 2000;  // all of VSS 6.0 fits

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

void send_error(httplib::Response& res, const Error& e) {
  res.status = http_status(e.code);
  const char* type = res.status == 404 ? "not_found_error" : res.status < 500 ? "invalid_request_error" : "server_error";
  nlohmann::json body = {{"error", {{"message", e.message}, {"type", type}, {"code", nullptr}}}};
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

// "a,b,c" → the signals named, a branch standing for its leaves; errors name the path.
Expected<std::vector<const VssSignal*>> resolve_paths(const VssTree& tree, const std::string& list) {
  std::vector<const VssSignal*> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string path = list.substr(start, comma - start);
    start = comma + 1;
    if (path.empty()) continue;
    if (const VssSignal* s = tree.find(path)) out.push_back(s);
    else if (tree.is_branch(path)) for (const VssSignal* s : tree.under(path)) out.push_back(s);
    else return make_error(ErrorCode::kNotFound, "unknown VSS path '" + path + "'");
    if (out.size() > kMaxSignalsPerRequest)
      return make_error(ErrorCode::kInvalidArgument, "more than " + std::to_string(kMaxSignalsPerRequest) + " signals asked for");
  }
  if (out.empty()) return make_error(ErrorCode::kInvalidArgument, "give the signals as ?paths=Vehicle.Speed,Vehicle.Cabin.HVAC");
  return out;
}

Expected<nlohmann::json> describe(Vehicle& vehicle, const std::vector<const VssSignal*>& signals) {
  nlohmann::json out = nlohmann::json::object();
  for (const VssSignal* s : signals) {
    ONBOARD_ASSIGN_OR_RETURN(VssValue value, vehicle.get(s->path));
    nlohmann::json entry = {{"value", value_to_json(value)},
                            {"type", to_string(s->type)},
                            {"datatype", std::string(to_string(s->datatype)) + (s->is_array ? "[]" : "")},
                            {"unit", s->unit}};
    if (s->type == VssNodeType::kActuator) {
      auto target = vehicle.get_target(s->path);
      if (target.ok() && !std::holds_alternative<std::monostate>(*target)) entry["target"] = value_to_json(*target);
    }
    out[s->path] = std::move(entry);
  }
  return nlohmann::json{{"signals", std::move(out)}};
}

// One SSE client: the vehicle's callback queues, the content provider sends.
struct StreamState {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> events;
};

void install(httplib::Server& svr, const std::shared_ptr<Vehicle>& vehicle) {
  svr.Get("/v1/vehicle/signals", [vehicle](const httplib::Request& req, httplib::Response& res) {
    auto signals = resolve_paths(vehicle->tree(), req.get_param_value("paths"));
    if (!signals.ok()) return send_error(res, signals.error());
    auto body = describe(*vehicle, *signals);
    if (!body.ok()) return send_error(res, body.error());
    res.set_content(body->dump(), "application/json");
  });

  svr.Put("/v1/vehicle/signals", [vehicle](const httplib::Request& req, httplib::Response& res) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("signals") || !body["signals"].is_object() ||
        body["signals"].empty())
      return send_error(res, make_error(ErrorCode::kInvalidArgument,
                                        "expected a JSON body {\"signals\":{\"Vehicle.Speed\":80, …}}"));
    // Every value is checked before any is set.
    std::vector<std::pair<const VssSignal*, VssValue>> updates;
    for (const auto& [path, j] : body["signals"].items()) {
      const VssSignal* s = vehicle->tree().find(path);
      if (!s) return send_error(res, make_error(ErrorCode::kNotFound, "unknown VSS signal '" + path + "'"));
      auto v = value_from_json(*s, j);
      if (!v.ok()) return send_error(res, v.error());
      if (auto st = check_value(*s, *v); !st.ok()) return send_error(res, st.error());
      updates.emplace_back(s, std::move(*v));
    }
    std::vector<const VssSignal*> touched;
    for (const auto& [s, v] : updates) {
      if (auto st = vehicle->publish(s->path, v); !st.ok()) return send_error(res, st.error());
      touched.push_back(s);
    }
    auto out = describe(*vehicle, touched);
    if (!out.ok()) return send_error(res, out.error());
    res.set_content(out->dump(), "application/json");
  });

  svr.Get("/v1/vehicle/stream", [vehicle](const httplib::Request& req, httplib::Response& res) {
    auto signals = resolve_paths(vehicle->tree(), req.get_param_value("paths"));
    if (!signals.ok()) return send_error(res, signals.error());
    std::vector<std::string> paths;
    for (const VssSignal* s : *signals) paths.push_back(s->path);
    auto state = std::make_shared<StreamState>();
    auto id = vehicle->subscribe(paths, [state](const std::string& path, const VssValue& v) {
      nlohmann::json event = {{"path", path}, {"value", value_to_json(v)}};
      std::lock_guard lock(state->mu);
      state->events.push_back("data: " + event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
      state->cv.notify_one();
    });
    if (!id.ok()) return send_error(res, id.error());
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [state](size_t, httplib::DataSink& sink) {
          std::deque<std::string> ready;
          {
            std::unique_lock lock(state->mu);
            state->cv.wait_for(lock, std::chrono::seconds(1), [&] { return !state->events.empty(); });
            ready.swap(state->events);
          }
          // A comment line when quiet: a client that went away is noticed by the failed write.
          std::string out = ready.empty() ? std::string(": keep-alive\n\n") : std::string();
          for (const auto& e : ready) out += e;
          return sink.write(out.data(), out.size());
        },
        [vehicle, id = *id](bool) { vehicle->unsubscribe(id); });
  });
}

}  // namespace

std::function<void(httplib::Server&)> vehicle_routes(std::shared_ptr<Vehicle> vehicle) {
  return [vehicle](httplib::Server& svr) { install(svr, vehicle); };
}

}  // namespace onboard::cockpit
