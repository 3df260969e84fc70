// SIGINT/SIGTERM handling: a signal only records itself; the trainer finishes the current
// step, writes a checkpoint, and exits 130 / 143. A second signal exits immediately, unless it
// comes from the process that sent the first (a parent-death signal repeats, stop_signal.cc).
//
// The program receives stop signals on a thread of its own (start_signal_thread, first thing
// in main), never on a thread that computes: a handler's frame is written onto the interrupted
// thread's stack, and on an AVX-512 machine (AMD Zen 5) a stop landing in a GEMM corrupted the
// heap in 8 of 120 runs (0 of 120 with oneDNN held to AVX2; docs/DESIGN.md "Signals").
#pragma once

namespace grok {

// Blocks SIGINT and SIGTERM in the calling thread, which must be the only one (every thread
// created later inherits the mask), and starts the thread that receives them. Until
// install_stop_handlers is called, a stop signal ends the process with exit code 128 + signal.
void start_signal_thread();
// For a forked child before exec (async-signal-safe): the default signal mask again.
void unblock_stop_signals();

// From now on a stop signal is recorded instead of ending the process. Without the signal
// thread (unit tests, library users) it installs ordinary handlers.
void install_stop_handlers();
// The signal received (SIGINT or SIGTERM), or 0.
int stop_signal();
// Exit code for a stop signal: 130 for SIGINT, 143 for SIGTERM.
int stop_exit_code(int signal);
// For tests and for starting a new run in the same process.
void reset_stop_signal();
void request_stop(int signal);

}  // namespace grok
