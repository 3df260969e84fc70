// Progress measures over training (Nanda et al. 2023, §5): for every kept checkpoint of a run
// (train --keep_every), the embedding's Fourier spectrum in the operation's basis (key
// frequencies, Gini) and, on the train and val splits in inference mode, the loss, the
// restricted loss and the excluded loss (restricted_loss.h) for one fixed set of key
// frequencies — those of the last checkpoint's embedding, so that the curves are comparable —
// and the three phases read from the run's accuracy history:
//   memorisation:      from the start to the first checkpoint whose train accuracy, in
//                      inference mode, is >= threshold (the history's train_acc is the
//                      running training-mode accuracy, dropout on, which lags it)
//   circuit formation: from there to the first epoch val accuracy >= 50 % (the jump begins)
//   cleanup:           from there to the first epoch val accuracy >= threshold
// (a boundary that is never reached is absent, and so are the phases after it; a phase whose
// end comes before its start — val rising before train fits — is empty).
// Not the single-model analysis (model_analysis.h) nor the figure (report/progress_figure.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "grokking/analysis/fourier.h"
#include "grokking/analysis/restricted_loss.h"
#include "grokking/data/task_config.h"
#include "grokking/train/history.h"

namespace grok {

struct ProgressPoint {
  int64_t step = 0, epoch = 0;
  FourierSpectrum embedding;    // this checkpoint's spectrum and key frequencies
  RestrictedLosses train, val;  // with the run's key frequencies (ProgressMeasures)
};

struct ProgressPhases {
  std::optional<int64_t> train_fit;  // first checkpoint epoch, inference-mode train accuracy
  std::optional<int64_t> train_fit_training_mode;  // first epoch of the history's train_acc
  std::optional<int64_t> val_rise;                 // first epoch val_acc >= 0.5
  std::optional<int64_t> generalised;              // first epoch val_acc >= threshold
};

struct ProgressMeasures {
  std::filesystem::path run;
  TaskConfig task;
  FourierBasis basis = FourierBasis::kAdditive;
  int generator = 0;
  double threshold = 0.99;
  std::vector<int> key_frequencies;   // of the last checkpoint's embedding
  std::vector<ProgressPoint> points;  // in step order
  History history;                    // the run's epoch, train_acc, val_acc, losses
  ProgressPhases phases;
};

struct ProgressOptions {
  double threshold = 0.99;
  double key_sd = kDefaultFourierKeySd;
  std::string basis = "auto";  // as AnalysisOptions::fourier_basis
  int batch_size = 512;
};

// grok::Error naming the run if it has no history or no valid checkpoint; UsageError for bad
// options.
ProgressMeasures progress_over_training(const std::filesystem::path& run,
                                        const ProgressOptions& options);

// The phases of a history (epoch, train_acc, val_acc columns) and of checkpoints in epoch order
// (their inference-mode train accuracy).
ProgressPhases progress_phases(const History& history, const std::vector<ProgressPoint>& points,
                               double threshold);

// {format: "grokking-progress", format_version 1, run, task, basis, generator, threshold,
//  key_frequencies, phases {train_fit, train_fit_training_mode, val_rise, generalised}, checkpoints
//  [{step, epoch, gini, key_frequencies, train {loss, restricted, excluded, accuracy, ...}, val
//  {...}}]}
nlohmann::ordered_json progress_to_json(const ProgressMeasures& measures);

}  // namespace grok
