// The cockpit console and what it shows about privacy, installed into `onboard serve`:
//   GET /console              one self-contained page (no external resources): a conversation
//                             box over POST /v1/cockpit/turn, each turn's route, actions,
//                             policy verdicts and timings, the live state of the touched
//                             signals (/v1/vehicle/stream) and a privacy indicator
//   GET /v1/cockpit/privacy   what cabin data is being collected and where it goes
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace httplib {
class Server;
}

namespace onboard::cockpit {

// One kind of cabin data. `collecting` is asked at each request (a camera may start later).
struct PrivacySource {
  std::string name;   // "cabin_camera"
  std::string label;  // "cabin camera"
  std::string where;  // "local only"
  std::function<bool()> collecting;
};

struct PrivacyReport {
  std::vector<PrivacySource> sources;
  std::function<bool()> leaves_vehicle;  // whether anything is sent off the car
};

// The sources of this build when nothing else is configured: no cabin camera or microphone is
// read; requests typed into the console are processed on this machine only.
PrivacyReport default_privacy_report();

std::function<void(httplib::Server&)> console_routes(PrivacyReport report);

}  // namespace onboard::cockpit
