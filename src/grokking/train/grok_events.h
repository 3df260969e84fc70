// When a run generalised: the first epoch whose validation accuracy reaches a threshold.
#pragma once

#include <cstdint>
#include <optional>

#include "grokking/train/history.h"

namespace grok {

// First epoch (as recorded in the history) with val_acc >= threshold; nullopt if none.
std::optional<int64_t> first_epoch_reaching(const History& history, double threshold);

// Whether the run grokked: val_acc >= threshold for `window` consecutive recorded epochs
// (a run that reached it too late to stay there `window` epochs counts as not grokked, i.e.
// censored).
bool grokked(const History& history, double threshold, int window);

}  // namespace grok
