#include "grokking/train/stop_signal.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace grok {
namespace {
std::atomic<int> g_stop_signal{0};
// The first signal asks the trainer to checkpoint and stop; a second one exits at once (every
// file is written atomically, so nothing is left half-written).
extern "C" void on_stop_signal(int signal) {
  if (g_stop_signal.exchange(signal) != 0) _exit(128 + signal);
}
}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_stop_signal.load(); }
int stop_exit_code(int signal) { return 128 + signal; }
void reset_stop_signal() { g_stop_signal.store(0); }
void request_stop(int signal) { g_stop_signal.store(signal); }

}  // namespace grok
