#include "cockpit/console_routes.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "cockpit/console_page.h"

namespace onboard::cockpit {

PrivacyReport default_privacy_report() {
  PrivacyReport r;
  r.sources = {
      {"cabin_camera", "cabin camera", "local only", [] { return false; }},
      {"microphone", "microphone", "local only", [] { return false; }},
      {"conversation", "typed requests", "this machine", [] { return true; }},
  };
  r.leaves_vehicle = [] { return false; };
  return r;
}

std::function<void(httplib::Server&)> console_routes(PrivacyReport report) {
  return [report = std::move(report)](httplib::Server& svr) {
    svr.Get("/console", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      // The page loads nothing from elsewhere; the policy says so to the browser too.
      res.set_header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
      res.set_content(std::string(console_page()), "text/html; charset=utf-8");
    });
    svr.Get("/v1/cockpit/privacy", [report](const httplib::Request&, httplib::Response& res) {
      nlohmann::json sources = nlohmann::json::array();
      for (const auto& s : report.sources)
        sources.push_back({{"name", s.name}, {"label", s.label}, {"where", s.where}, {"collecting", s.collecting && s.collecting()}});
      nlohmann::json body = {{"sources", std::move(sources)},
                             {"leaves_vehicle", report.leaves_vehicle && report.leaves_vehicle()}};
      res.set_content(body.dump(), "application/json");
    });
  };
}

}  // namespace onboard::cockpit
