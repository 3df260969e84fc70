// How a trial runs: the `grokking train` or `grokking distill` command line that carries it
// out in its own process (one thread, always --resume, so that a re-run continues an
// interrupted trial from its checkpoint and skips nothing twice).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grokking/experiment/plan.h"

namespace grok {

// The run directory of a trial: OUT/<id> (ids hold one '/', e.g. OUT/s42/teacher).
std::filesystem::path trial_dir(const std::filesystem::path& out, const Trial& trial);

// The checkpoint a student distils from: the given teacher's path, or its parent's run dir.
std::filesystem::path parent_checkpoint(const std::filesystem::path& out, const Trial& trial,
                                        const std::vector<Trial>& plan);

// Arguments after the program name, e.g. {"train", "--p", "97", ...}. Not for the given
// teacher (it is not run).
std::vector<std::string> trial_arguments(const std::filesystem::path& out, const Trial& trial,
                                         const std::vector<Trial>& plan);

}  // namespace grok
