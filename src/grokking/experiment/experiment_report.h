// Statistics of an experiment across its repeats (issues 6, 16): trials grouped into
// configurations (kind, strategy, round, shape), each summarised (final val accuracy, epochs
// to the grokking threshold and the grokking delay with Student-t intervals, censored runs
// counted, fractions generalised and grokked with Wilson intervals; grok_events.h), and
// compared — every student configuration against the from-scratch control of its shape and
// against the other strategies of its shape and round — paired by seed (the paired t-test,
// Wilcoxon's signed-rank test, the t-interval of the differences; Welch kept for reference),
// Hedges' g, Holm-corrected within each metric over the paired t p-values. Every table shows
// n. Written as OUT/statistics.json and OUT/statistics.md.
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
                                             const GrokDefinition& grok, uint64_t bootstrap_seed);

// "epoch_to_99" for 0.99, "epoch_to_99.5" for 0.995: the epoch metric's key.
std::string epoch_metric(double threshold);

// The Markdown tables of experiment_statistics' result.
std::string statistics_markdown(const nlohmann::ordered_json& statistics);

// Writes statistics.json and statistics.md into `out`.
void write_experiment_statistics(const std::filesystem::path& out, const std::vector<Trial>& plan,
                                 const std::vector<TrialRecord>& records,
                                 const GrokDefinition& grok, uint64_t bootstrap_seed);

}  // namespace grok
