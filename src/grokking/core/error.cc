#include "grokking/core/error.h"

namespace grok::detail {

void check_failed_message(const char* expr, const char* file, int line, const std::string& msg) {
  std::string text =
      std::string("internal check failed: ") + expr + " at " + file + ":" + std::to_string(line);
  if (!msg.empty()) text += ": " + msg;
  throw Error(text);
}

}  // namespace grok::detail
