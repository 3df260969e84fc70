// The parallel, resumable trial runner: runs a plan's trials as child processes of this
// program (`grokking train` / `grokking distill`, one thread each, as many side by side as the
// slots hold: --jobs here, or across the ranks of an MPI job, trial_slots.h, mpi_slots.h),
// respecting dependencies (a student waits for its teacher), applying the recursion stop
// rule, and rewriting the manifest atomically after every trial. Re-running skips completed
// trials and resumes interrupted ones from their checkpoints. SIGINT/SIGTERM are forwarded to
// the running trials, which checkpoint and stop; the manifest then records them as
// interrupted. Not the plan (plan.h) nor the statistics.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grokking/experiment/manifest.h"
#include "grokking/experiment/plan.h"
#include "grokking/experiment/trial_slots.h"

namespace grok {

struct RunnerOptions {
  std::filesystem::path out;  // experiment directory
  double threshold = 0.99;    // grokking_threshold
  GrokDefinition grok;        // threshold (the same), grok_tolerance, grok_min_delay
  bool quiet = false;
  bool tensorboard = true;  // trials write TensorBoard event files
};

struct RunnerResult {
  int exit_code = 0;                 // 0; 1 if a trial failed; 130/143 if stopped by a signal
  std::vector<TrialRecord> records;  // in plan order
  double wall_s = 0;                 // this process's wall time (the study's makespan)
  double trial_s = 0;                // the wall times of the trials it completed, summed
};

RunnerResult run_trials(const std::vector<Trial>& plan, const RunnerOptions& options,
                        TrialSlots& slots);

}  // namespace grok
