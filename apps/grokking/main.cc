// grokking: the command-line program. Dispatches to one cmd_<verb>.cc per subcommand and maps
// grok::Error to exit codes (1 runtime, 2 usage).
#include <fmt/format.h>

#include "grokking/core/error.h"

int main() {
  fmt::print("grokking {}\n", GROK_VERSION);
  return 0;
}
