// The experiment-level figures of `grokking report` (issue 7): the teacher's grokking
// dynamics, the strategy comparison (mean validation accuracy per configuration with a band
// across repeats, band.h), and epochs to 99 % per strategy and scale. Each is drawn from the
// run directories' histories and the manifest into <dir>/<stem>.{dat,gp,png,svg}. Not the
// mechanistic figure (mechanistic_report.h) nor the single-run plots (run_plots.h).
#pragma once

#include <filesystem>
#include <string>

#include "grokking/report/experiment_data.h"

namespace grok {

// What report.md says about a figure; an empty stem means it was not drawn (note says why).
struct ReportFigure {
  std::string stem;
  std::string title;
  std::string caption;  // one sentence
  std::string note;     // why it is missing, if it is
};

// Train/val accuracy, val loss and weight norm of every completed teacher (one colour per
// seed, grok epochs marked).
ReportFigure plot_teacher_dynamics(const ExperimentData& data, const std::filesystem::path& dir);

// One panel per student scale: the mean val accuracy against epoch of each configuration of
// that scale (students of every round and the from-scratch control) and the teacher, with a
// band across repeats (band.h: normal 95 % with >= 3 runs, else min–max; the caption says
// which).
ReportFigure plot_strategy_comparison(const ExperimentData& data, const std::filesystem::path& dir);

// Epochs to 99 % val accuracy of every completed trial by configuration: one point per seed,
// the mean of those that reached it, and runs that never did drawn at their epoch budget.
ReportFigure plot_epochs_to_99(const ExperimentData& data, const std::filesystem::path& dir);

}  // namespace grok
