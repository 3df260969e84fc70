// The mechanistic section of `grokking report`: the analysis of analysis/model_analysis.h run
// in-process on the teacher and every completed student and from-scratch control of repeat 0
// (on the validation split), saved as mechanistic_analysis.json (analysis_json.h), drawn as
// bar charts (CKA against the teacher per hidden state, effective rank per hidden state,
// attention entropy per layer) and tabulated (one column per model). Not the analysis itself.
#pragma once

#include <filesystem>
#include <optional>

#include "grokking/analysis/model_analysis.h"
#include "grokking/report/experiment_data.h"
#include "grokking/report/report_figures.h"
#include "grokking/report/table.h"

namespace grok {

struct MechanisticReport {
  ReportFigure figure;         // stem "mechanistic" (empty with a note if not drawn)
  std::optional<Table> table;  // measures × models
  std::string json_file;       // "mechanistic_analysis.json" if written
};

// The models analysed: the repeat-0 teacher first, then the completed students and controls
// of repeat 0 in manifest order. Empty if no teacher of repeat 0 completed.
std::vector<const ReportTrial*> mechanistic_models(const ExperimentData& data);

// The table of an analysis of `models` (models[0] the teacher): validation accuracy, CKA
// against the teacher and effective rank of each of the teacher's hidden states, attention
// entropy per layer (nats), and the embedding's Fourier Gini coefficient; missing values empty.
Table mechanistic_table(const AnalysisResult& result,
                        const std::vector<const ReportTrial*>& models);

MechanisticReport mechanistic_report(const ExperimentData& data, const std::filesystem::path& dir,
                                     const AnalysisOptions& options);

}  // namespace grok
