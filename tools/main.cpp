// `onboard` command: one subcommand per file (tools/cmd_*.cpp), dispatched here.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* help;
};

const Command kCommands[] = {
    {"inspect", onboard::cli::cmd_inspect, "show a model file's metadata and tensor table"},
};

void usage() {
  std::fprintf(stderr, "usage: onboard COMMAND [options]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(stderr, "  %-10s %s\n", c.name, c.help);
  std::fprintf(stderr, "\n`onboard COMMAND --help` for the options of one command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands)
    if (std::string(argv[1]) == c.name) return c.run(argc - 1, argv + 1);
  std::fprintf(stderr, "onboard: unknown command '%s'\n", argv[1]);
  usage();
  return 2;
}
