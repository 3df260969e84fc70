// The figures of `grokking plot`: for one run, its training curves (train/val accuracy on a
// log-epoch axis with the grok epoch marked, losses, weight norm, learning rate: a 2×2
// multiplot) and, for a distillation run, its loss components; for several runs, a comparison
// of their accuracy curves labelled by run name. Each figure is <stem>.png, <stem>.svg, the
// script <stem>.gp and its data <stem>.dat in the output directory. Not the report's figures
// (report_figures.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grokking/report/run_history.h"

namespace grok {

// The data file and gnuplot body of the training-curve figure (exposed for tests).
std::string training_curves_data(const RunHistory& run);

// <dir>/<stem>.{dat,gp,png,svg}: training curves of `run` titled with `label`.
void plot_training_curves(const RunHistory& run, const std::string& label,
                          const std::filesystem::path& dir,
                          const std::string& stem = "training_curves");

// <dir>/<stem>.{dat,gp,png,svg}: the distillation loss components of a distillation run, the
// training split (left: total objective, hard-label CE, the teacher's CE, each strategy's term,
// the KL without τ²) and the validation split (right: the same terms, val_*), each drawing the
// components that are not zero throughout (a history from before the validation terms leaves
// the right panel empty).
// GROK_CHECK that run.distillation.
void plot_distillation_losses(const RunHistory& run, const std::string& label,
                              const std::filesystem::path& dir,
                              const std::string& stem = "distillation_losses");

// <dir>/<stem>.{dat,gp,png,svg}: val (left) and train (right) accuracy against epoch of every
// run, one colour per run (the strategy colours when each run's name names a different
// strategy), labelled labels[i] with its grok epoch.
void plot_run_comparison(const std::vector<RunHistory>& runs,
                         const std::vector<std::string>& labels, const std::filesystem::path& dir,
                         const std::string& stem = "comparison");

// The figures `grokking plot` draws for `run_dirs` into `out_dir` (one run: training curves,
// plus the loss components of a distillation run; several: the comparison). Returns the
// stems written.
std::vector<std::string> plot_runs(const std::vector<std::filesystem::path>& run_dirs,
                                   const std::filesystem::path& out_dir);

}  // namespace grok
