// A run directory before the first epoch: refuses to start a fresh run over an existing one
// unless --overwrite (which removes the files a run writes, and nothing else), creates it, and
// removes temporaries left by a process killed while writing a run file (atomic_file.h).
#pragma once

#include <string>

#include "grokking/train/run_checkpoint.h"
#include "grokking/train/train_config.h"

namespace grok {

void prepare_run_directory(const TrainConfig& config, const RunCheckpointer& checkpointer,
                           const std::string& history_file);

}  // namespace grok
