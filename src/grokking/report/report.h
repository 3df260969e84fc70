// `grokking report EXPERIMENT_DIR`: the paper's figures and tables of an experiment directory
// (issue 7) written into one directory (default EXPERIMENT_DIR/report) with a report.md that
// shows and links each of them with a one-sentence caption. Figures: teacher grokking
// dynamics, strategy comparison with bands across repeats, mechanistic bar charts, epochs to
// 99 % (report_figures.h, mechanistic_report.h); tables: trials, configurations, comparisons
// and mechanistic measures (report_tables.h), each as Markdown, LaTeX and CSV. Works on a
// partial experiment: what cannot be drawn is listed in report.md with the reason.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grokking/analysis/model_analysis.h"

namespace grok {

struct ReportOptions {
  AnalysisOptions analysis;  // of the mechanistic section
  bool mechanistic = true;   // run the analysis (false: skip the mechanistic figure and table)
  std::string note;          // a paragraph placed under report.md's title (e.g. provenance)
};

struct ReportResult {
  std::filesystem::path dir;
  std::vector<std::string> figures;  // stems drawn
  std::vector<std::string> tables;   // stems written
  std::vector<std::string> missing;  // "what: why" for figures or tables not produced
};

// Writes the report of `experiment_dir` into `out_dir` (created). grok::Error if the
// experiment cannot be read, gnuplot is missing or fails, or a model cannot be analysed.
ReportResult write_report(const std::filesystem::path& experiment_dir,
                          const std::filesystem::path& out_dir, const ReportOptions& options);

}  // namespace grok
