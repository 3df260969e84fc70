// SIGINT/SIGTERM handling: the handler only records the signal; the trainer finishes the
// current step, writes a checkpoint, and exits 130 / 143. A second signal exits immediately,
// unless it comes from the process that sent the first (stop_signal.cc says why).
#pragma once

namespace grok {

void install_stop_handlers();
// The signal received (SIGINT or SIGTERM), or 0.
int stop_signal();
// Exit code for a stop signal: 130 for SIGINT, 143 for SIGTERM.
int stop_exit_code(int signal);
// For tests and for starting a new run in the same process.
void reset_stop_signal();
void request_stop(int signal);

}  // namespace grok
