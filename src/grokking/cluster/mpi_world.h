// The MPI processes this program runs among when a launcher (OpenMPI's mpirun, or Slurm's srun)
// started it: this rank, the world's size, tagged byte messages and a gradient sum in a fixed
// order. MPI is initialised only when a launcher's environment is present, so a plain
// `grokking train` never touches it. Not the trial protocol (experiment/mpi_slots.h) nor the
// data-parallel step (train/sharded_model.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace grok {

struct MpiMessage {
  int source = 0;
  int tag = 0;
  std::string bytes;
};

class MpiWorld {
 public:
  // True when mpirun/srun started this process (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK).
  static bool launched_by_mpi();
  // The rank of this process from the launcher's environment, before MPI is initialised (0
  // when not launched by MPI): so that only rank 0 prints a usage error.
  static int environment_rank();

  // The world: initialised on first use when launched_by_mpi(), else a world of one process
  // in which every operation is local. Finalised at exit.
  static MpiWorld& instance();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  const std::string& host() const { return host_; }

  void send(int destination, int tag, const std::string& bytes) const;
  // A message from anyone with any tag, if one has arrived; never blocks.
  std::optional<MpiMessage> try_receive() const;
  // Every rank's `bytes` on rank 0, in rank order (other ranks: empty). Collective.
  std::vector<std::string> gather(const std::string& bytes) const;
  // Rank 0's `bytes` on every rank. Collective.
  std::string broadcast(const std::string& bytes) const;
  // data[i] = Σ_r data_r[i], summed in rank order on every rank, so that the result is the
  // same bits everywhere and for every run with the same ranks (an allreduce may reorder).
  // `scratch` holds size() · n floats after the call. Collective.
  void sum_in_rank_order(float* data, std::size_t n, std::vector<float>& scratch) const;
  void sum_in_rank_order(double* data, std::size_t n) const;
  void barrier() const;
  // Ends every rank of the job (for a rank that cannot go on and cannot tell the others).
  [[noreturn]] void abort(int exit_code) const;

  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

 private:
  MpiWorld();
  bool initialised_ = false;
  int rank_ = 0;
  int size_ = 1;
  std::string host_;
};

}  // namespace grok
