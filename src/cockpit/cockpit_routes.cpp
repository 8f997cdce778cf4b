#include "cockpit/cockpit_routes.h"

#include <httplib.h>

#include "server/openai_protocol.h"

namespace onboard::cockpit {

Expected<TurnRequest> parse_turn_request(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(ErrorCode::kInvalidArgument, "body: expected a JSON object");
  TurnRequest r;
  if (!j.contains("text") || !j["text"].is_string() || j["text"].get<std::string>().empty())
    return make_error(ErrorCode::kInvalidArgument, "text: required, a non-empty string");
  r.text = j["text"];
  for (auto [key, dst] : {std::pair<const char*, std::string*>{"seat", &r.seat}, {"lang", &r.lang}, {"session", &r.session}}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    if (!j[key].is_string()) return make_error(ErrorCode::kInvalidArgument, std::string(key) + ": expected a string");
    *dst = j[key];
  }
  if (!r.lang.empty() && r.lang != "zh" && r.lang != "en")
    return make_error(ErrorCode::kInvalidArgument, "lang: \"zh\" or \"en\", got \"" + r.lang + "\"");
  if (!r.seat.empty() && seat_instance(r.seat).empty())
    return make_error(ErrorCode::kInvalidArgument, "seat: \"" + r.seat + "\" is not a seat (Row1.DriverSide, passenger, rear_left, …)");
  return r;
}

void install_cockpit_routes(httplib::Server& server, CockpitAgent& agent) {
  server.Post("/v1/cockpit/turn", [&agent](const httplib::Request& req, httplib::Response& res) {
    Expected<TurnRequest> r = parse_turn_request(req.body);
    if (!r.ok()) {
      res.status = 400;
      res.set_content(server::error_body(server::bad_field("", r.error().message)).dump(), "application/json");
      return;
    }
    res.set_content(to_json(agent.turn(*r)).dump(), "application/json");
  });
}

}  // namespace onboard::cockpit
