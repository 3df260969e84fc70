// Where a runner's trials run: as child processes of this program (LocalSlots), or of the
// other ranks of an MPI job as well (mpi_slots.h). The runner decides what runs and when; a
// TrialSlots only starts commands, reports their exit codes and forwards stop signals.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace grok {

struct FinishedTrial {
  std::size_t index = 0;  // as given to start()
  int exit_code = 0;      // the command's; 128 + n if signal n ended it
};

class TrialSlots {
 public:
  virtual ~TrialSlots() = default;
  virtual int capacity() const = 0;
  virtual int busy() const = 0;
  // Starts trial `index` as `program args...` with its output appended to `log`; busy() must be
  // below capacity(). Returns where it runs, for messages ("" here, "rank 2 (host)").
  virtual std::string start(std::size_t index, const std::vector<std::string>& args,
                            const std::filesystem::path& log) = 0;
  // A trial that has ended since the last call, if any; waits up to about 100 ms for one.
  virtual std::optional<FinishedTrial> wait_any() = 0;
  // Sends `signal` to every running trial, once per trial (a second stop signal would end a
  // trial before it checkpoints).
  virtual void signal_all(int signal) = 0;
};

// Child processes of this program, `jobs` at a time. Each runs in its own process group (a
// terminal's Ctrl-C reaches only the runner, which forwards exactly one signal), has SIGTERM as
// its parent-death signal (if the runner dies, its trials checkpoint and stop), and does not
// inherit an MPI launcher's environment (a trial is a process of its own, not a rank).
class LocalSlots final : public TrialSlots {
 public:
  LocalSlots(std::filesystem::path program, int jobs);
  int capacity() const override { return jobs_; }
  int busy() const override { return static_cast<int>(running_.size()); }
  std::string start(std::size_t index, const std::vector<std::string>& args,
                    const std::filesystem::path& log) override;
  std::optional<FinishedTrial> wait_any() override;
  // Without waiting; for callers that poll other sources too.
  std::optional<FinishedTrial> poll();
  void signal_all(int signal) override;

 private:
  std::filesystem::path program_;
  int jobs_;
  std::map<pid_t, std::size_t> running_;
  std::map<pid_t, bool> signalled_;
};

}  // namespace grok
