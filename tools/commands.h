// Subcommands of the `onboard` tool; each lives in tools/cmd_<name>.cpp.
#pragma once

namespace onboard::cli {
int cmd_inspect(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_chat(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_tokenize(int argc, char** argv);
int cmd_synth(int argc, char** argv);
int cmd_quantize(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_audit(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_vehicle(int argc, char** argv);
}  // namespace onboard::cli
