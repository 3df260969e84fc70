// The tables of `grokking report` (issue 7), built from an experiment's manifest and
// statistics.json: every trial (final and best accuracy, epochs to 99 %, parameters, wall
// time), every configuration (statistics.json's summaries with parameters and mean wall time)
// and the comparisons between configurations (paired differences, Welch, Holm, Hedges).
// Written as Markdown, LaTeX and CSV by table.h. Not the statistics themselves.
#pragma once

#include <optional>

#include "grokking/report/experiment_data.h"
#include "grokking/report/table.h"

namespace grok {

// One row per trial of the manifest, in manifest order.
Table trials_table(const ExperimentData& data);

// One row per configuration of statistics.json; nullopt if the experiment has none.
std::optional<Table> configurations_table(const ExperimentData& data);

// One row per comparison of statistics.json (final val accuracy in percentage points, then
// epochs to 99 %); nullopt if it has none.
std::optional<Table> comparisons_table(const ExperimentData& data);

// A number with `decimals` decimals; empty for null or non-finite (a missing value).
std::string table_number(const nlohmann::json& value, int decimals, double scale = 1);

}  // namespace grok
