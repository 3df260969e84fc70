// The trial runner across the ranks of an MPI job (`mpirun -np N grokking experiment`): rank 0
// runs the runner (runner.h) with MpiSlots, which start trials on free ranks (the other ranks
// first, then rank 0's own slots); every other rank runs serve_trials, which starts the trials
// it is sent as child processes of its own and reports their exit codes. Trials read and write
// only the run directory, which every rank must see (a shared filesystem: check_shared_out);
// the messages carry the command line and the exit code, nothing else.
//
// Messages (tagged, JSON bodies): start {index, args, log} 0 → r; done {index, exit_code}
// r → 0; signal {signal} 0 → r; stopped {signal} r → 0 (a rank was told to stop: the whole
// study stops); shutdown 0 → r.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "grokking/cluster/mpi_world.h"
#include "grokking/experiment/trial_slots.h"

namespace grok {

// Each rank checks that it sees the directory rank 0 created at `out` (the path as given,
// relative to the rank's working directory) by reading a token rank 0 wrote there, and that
// it can write into it. Collective. Throws on every rank, naming each rank that cannot (its
// host, working directory and why), if any cannot. Returns every rank's host name.
std::vector<std::string> check_shared_out(const MpiWorld& world, const std::filesystem::path& out);

class MpiSlots final : public TrialSlots {
 public:
  // `local`: rank 0's own slots; `jobs_per_rank`: trials at a time on each other rank.
  MpiSlots(const MpiWorld& world, LocalSlots& local, int jobs_per_rank,
           std::vector<std::string> hosts);
  ~MpiSlots() override;  // shuts the other ranks down
  int capacity() const override;
  int busy() const override;
  std::string start(std::size_t index, const std::vector<std::string>& args,
                    const std::filesystem::path& log) override;
  std::optional<FinishedTrial> wait_any() override;
  void signal_all(int signal) override;

 private:
  const MpiWorld& world_;
  LocalSlots& local_;
  int jobs_per_rank_;
  std::vector<std::string> hosts_;
  std::vector<int> busy_per_rank_;  // trials running on each rank (rank 0: unused)
  std::set<int> signalled_;         // ranks already sent a signal
};

// The loop of a rank other than 0: runs what rank 0 sends until it is shut down. A stop signal
// (mpirun forwards SIGINT and SIGTERM) is forwarded to its trials and reported to rank 0.
void serve_trials(const MpiWorld& world, LocalSlots& slots);

}  // namespace grok
