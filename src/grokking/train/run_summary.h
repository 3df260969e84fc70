// summary.json of a run (docs/CONTRACT.md): the final metrics, the best validation accuracy,
// the epochs to 50/90/99 % validation accuracy, from the history; the parameter count, timing
// (wall time, rate, peak memory, threads, shards, GEMM GFLOP) and versions, from the run.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "grokking/train/history.h"

namespace grok {

// What the trainer knows about the run that the history does not hold.
struct RunFacts {
  std::string verb;
  int64_t steps = 0;
  int64_t parameters = 0;
  double wall_s = 0;               // all processes of the run
  double wall_s_this_process = 0;  // since this process started training
  int64_t steps_this_process = 0;
  int64_t epochs_this_process = 0;
  int threads = 1;
  int shards = 1;                  // per rank
  int ranks = 1;                   // MPI ranks sharing each step (sharded_model.h)
  double gemm_flops = 0;           // this process's matrix products (model/flops.h)
  double exchange_s = 0;           // MPI ranks: seconds spent summing gradients across ranks
  std::string precision = "fp32";  // of the GEMM operands
};

nlohmann::ordered_json run_summary(const History& history, const RunFacts& facts);

}  // namespace grok
