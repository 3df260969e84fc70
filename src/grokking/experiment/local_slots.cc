#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "grokking/core/error.h"
#include "grokking/experiment/trial_slots.h"
#include "grokking/train/stop_signal.h"

extern char** environ;

namespace grok {
namespace fs = std::filesystem;
namespace {

// The environment minus an MPI launcher's variables: a trial started by a rank must not take
// itself for a rank of the job.
std::vector<std::string> trial_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (entry.starts_with("OMPI_") || entry.starts_with("PMIX_") || entry.starts_with("PMI_"))
      continue;
    env.push_back(entry);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

LocalSlots::LocalSlots(fs::path program, int jobs) : program_(std::move(program)), jobs_(jobs) {
  GROK_CHECK(jobs >= 1, "jobs must be >= 1");
}

std::string LocalSlots::start(std::size_t index, const std::vector<std::string>& args,
                              const fs::path& log) {
  GROK_CHECK(busy() < capacity(), "no free slot");
  std::vector<std::string> argv_strings = {program_.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = trial_environment();
  std::vector<char*> argv = pointers(argv_strings), envp = pointers(env_strings);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw Error(fmt::format("cannot start a trial: fork: {}", std::strerror(errno)));
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    setpgid(0, 0);
    unblock_stop_signals();  // the runner receives them on a thread of its own
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(kExitSigterm);  // the runner died before prctl
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  running_[pid] = index;
  return "";
}

std::optional<FinishedTrial> LocalSlots::poll() {
  int status = 0;
  const pid_t pid = waitpid(-1, &status, WNOHANG);
  if (pid <= 0) return std::nullopt;
  const auto it = running_.find(pid);
  if (it == running_.end()) return std::nullopt;
  const FinishedTrial done{it->second,
                           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
  running_.erase(it);
  signalled_.erase(pid);
  return done;
}

std::optional<FinishedTrial> LocalSlots::wait_any() {
  if (auto done = poll()) return done;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return std::nullopt;
}

void LocalSlots::signal_all(int signal) {
  for (const auto& [pid, index] : running_) {
    if (signalled_[pid]) continue;
    kill(pid, signal);
    signalled_[pid] = true;
  }
}

}  // namespace grok
