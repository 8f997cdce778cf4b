// The console's HTML page (src/cockpit/console/console.html), embedded at build time.
#pragma once

#include <string_view>

namespace onboard::cockpit {

std::string_view console_page();

}  // namespace onboard::cockpit
