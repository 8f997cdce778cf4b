#include <cstdio>

#include "commands.h"

namespace onboard::cli {
int cmd_inspect(int, char**) {
  std::fprintf(stderr, "inspect: not yet\n");
  return 1;
}
}  // namespace onboard::cli
