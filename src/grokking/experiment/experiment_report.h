// Statistics of an experiment across its repeats (issue 6): trials grouped into
// configurations (kind, strategy, round, shape), each summarised (final val accuracy and
// epochs to 99 % with a bootstrap interval, censored runs counted, fraction grokked with a
// Wilson interval), and compared — every student configuration against the from-scratch
// control of its shape and against the other strategies of its shape and round — by paired
// differences (same seeds), Welch's t-test and Hedges' g, Holm-corrected within each
// metric. Written as OUT/statistics.json and OUT/statistics.md.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "grokking/experiment/manifest.h"
#include "grokking/experiment/plan.h"

namespace grok {

// The name of a configuration (what trials of different repeats share), e.g.
// "student logit r0 d64 l2", "scratch d64 l2", "teacher d128 l2".
std::string configuration_name(const std::string& kind, const std::string& strategy, int round,
                               int dim, int depth);

nlohmann::ordered_json experiment_statistics(const std::vector<Trial>& plan,
                                             const std::vector<TrialRecord>& records,
                                             uint64_t bootstrap_seed);

// The Markdown tables of experiment_statistics' result.
std::string statistics_markdown(const nlohmann::ordered_json& statistics);

// Writes statistics.json and statistics.md into `out`.
void write_experiment_statistics(const std::filesystem::path& out, const std::vector<Trial>& plan,
                                 const std::vector<TrialRecord>& records, uint64_t bootstrap_seed);

}  // namespace grok
