#include "grokking/train/stop_signal.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace grok {
namespace {
std::atomic<int> g_stop_signal{0};
std::atomic<pid_t> g_first_sender{-1};
std::atomic<bool> g_recording{false};       // install_stop_handlers was called
std::atomic<bool> g_thread_started{false};  // start_signal_thread was called

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// The first signal asks the trainer to checkpoint and stop; a second one exits at once (every
// file is written atomically, so nothing is left half-written). A repeat from the process that
// sent the first is not a second request: a parent-death signal comes once per thread of the
// dying parent (the child is handed to the next thread, which dies too), and a runner that
// forwarded a stop and then died would otherwise end its trial before it checkpoints.
void record(int signal, const siginfo_t* info) {
  const bool from_process = info != nullptr && info->si_code == SI_USER;
  const pid_t sender = from_process ? info->si_pid : 0;
  if (g_stop_signal.exchange(signal) == 0) {
    g_first_sender.store(sender);
    return;
  }
  if (from_process && sender == g_first_sender.load()) return;
  _exit(128 + signal);
}

extern "C" void on_stop_signal(int signal, siginfo_t* info, void*) { record(signal, info); }

void receive_signals() {
  const sigset_t set = stop_set();
  while (true) {
    siginfo_t info{};
    const int signal = sigwaitinfo(&set, &info);
    if (signal < 0) continue;  // EINTR
    if (!g_recording.load()) _exit(128 + signal);
    record(signal, &info);
  }
}
}  // namespace

void start_signal_thread() {
  const sigset_t set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(receive_signals).detach();
  g_thread_started.store(true);
}

void unblock_stop_signals() {
  const sigset_t set = stop_set();
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

void install_stop_handlers() {
  g_recording.store(true);
  if (g_thread_started.load()) return;
  struct sigaction action {};
  action.sa_sigaction = on_stop_signal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_stop_signal.load(); }
int stop_exit_code(int signal) { return 128 + signal; }
void reset_stop_signal() {
  g_stop_signal.store(0);
  g_first_sender.store(-1);
}
void request_stop(int signal) { g_stop_signal.store(signal); }

}  // namespace grok
