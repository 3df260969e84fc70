// When a run generalised, and whether it grokked (issue 16). The definition, in two parts:
//   generalised: val_acc >= threshold at the last recorded epoch, and from its first crossing
//                to the end it never drops below threshold − tolerance (a run that gets there
//                late counts as long as it holds; one that crosses and collapses does not).
//   delay:       first epoch with val_acc >= threshold minus the first with train accuracy
//                >= threshold (nullopt unless both are reached). The train accuracy is the
//                inference-mode column "train_eval_acc" where the history has it, else the
//                running training-mode "train_acc" (dropout on) — named in the assessment.
//   grokked:     generalised and delay >= min_delay epochs (generalising together with, or
//                before, fitting the training set is learning, not grokking).
// A run that never generalised is censored: it has no val epoch, and stays in every statistic
// as such.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "grokking/train/history.h"

namespace grok {

// First epoch (as recorded in the history) with val_acc >= threshold; nullopt if none.
std::optional<int64_t> first_epoch_reaching(const History& history, double threshold);
// The same for any column of the history.
std::optional<int64_t> first_epoch_reaching(const History& history, const std::string& column,
                                            double threshold);

struct GrokDefinition {
  double threshold = 0.99;  // --grokking_threshold
  double tolerance = 0.01;  // --grok_tolerance: allowed dip below threshold after crossing
  int64_t min_delay = 10;   // --grok_min_delay: epochs between train and val crossings
};

struct GrokAssessment {
  std::optional<int64_t> val_epoch;    // first epoch val_acc >= threshold
  std::optional<int64_t> train_epoch;  // first epoch train accuracy >= threshold
  std::optional<int64_t> delay;        // val_epoch − train_epoch
  bool generalised = false;
  bool grokked = false;
  std::string train_column;  // "train_eval_acc" (inference mode) or "train_acc"
};

GrokAssessment assess_grokking(const History& history, const GrokDefinition& definition);

}  // namespace grok
