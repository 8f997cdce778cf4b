#include "dms/dms_json.h"

namespace onboard::dms {

nlohmann::json event_json(const DmsEvent& e) {
  return {{"t_s", e.t_s}, {"kind", to_string(e.kind)}, {"level", e.level}, {"detail", e.detail}};
}

}  // namespace onboard::dms
