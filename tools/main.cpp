// `onboard` command: one subcommand per file (tools/cmd_*.cpp), dispatched here.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* help;
};

const Command kCommands[] = {
    {"run", onboard::cli::cmd_run, "run one prompt and stream the answer"},
    {"chat", onboard::cli::cmd_chat, "talk with a model, reasoning shown apart from the answer"},
    {"bench", onboard::cli::cmd_bench, "measure load time, prompt and generation speed"},
    {"inspect", onboard::cli::cmd_inspect, "show a model file's metadata and tensor table"},
    {"tokenize", onboard::cli::cmd_tokenize, "print the token ids of a text"},
    {"synth", onboard::cli::cmd_synth, "write a random-weight model with a real model's exact shapes"},
    {"quantize", onboard::cli::cmd_quantize, "convert a model file to a quantization type mixture"},
    {"serve", onboard::cli::cmd_serve, "serve the OpenAI-compatible API (chat, completions, models, metrics)"},
    {"audit", onboard::cli::cmd_audit, "print and verify the privacy gateway's audit log"},
    {"eval", onboard::cli::cmd_eval, "run an evaluation set (cockpit agent) and print its scores"},
    {"vehicle", onboard::cli::cmd_vehicle, "run a simulated vehicle as a KUKSA.val v2 databroker (gRPC)"},
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
  for (const auto& c : kCommands) {
    if (std::string(argv[1]) != c.name) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "onboard %s: internal error: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "onboard: unknown command '%s'\n", argv[1]);
  usage();
  return 2;
}
