// Subcommands of the `onboard` tool; each lives in tools/cmd_<name>.cpp.
#pragma once

namespace onboard::cli {
int cmd_inspect(int argc, char** argv);
}  // namespace onboard::cli
