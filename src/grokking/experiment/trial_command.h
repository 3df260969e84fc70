// How a trial runs: in its own process, `grokking train --config OUT/<id>/trial.yaml` or
// `grokking distill --config …`, the file being the trial's complete configuration written by
// the same option declarations the child reads (core/schema.h) — one thread, always --resume,
// so that a re-run continues an interrupted trial from its checkpoint and skips nothing twice.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grokking/distill/distill_config.h"
#include "grokking/experiment/plan.h"
#include "grokking/train/train_config.h"

namespace grok {

// The run directory of a trial: OUT/<id> (ids hold one '/', e.g. OUT/s42/teacher).
std::filesystem::path trial_dir(const std::filesystem::path& out, const Trial& trial);

// The checkpoint a student distils from: the given teacher's path, or its parent's run dir.
std::filesystem::path parent_checkpoint(const std::filesystem::path& out, const Trial& trial,
                                        const std::vector<Trial>& plan);

// The configuration of a trained teacher or control (train) or of a student (distill).
TrainConfig trial_train_config(const std::filesystem::path& out, const Trial& trial);
DistillConfig trial_distill_config(const std::filesystem::path& out, const Trial& trial,
                                   const std::vector<Trial>& plan);

// Writes OUT/<id>/trial.yaml (every option, the run directory included; TensorBoard event
// files or not) and returns the arguments after the program name: {"train" | "distill",
// "--config", path}. Not for the given teacher (it is not run).
std::vector<std::string> write_trial_command(const std::filesystem::path& out, const Trial& trial,
                                             const std::vector<Trial>& plan, bool tensorboard);

}  // namespace grok
