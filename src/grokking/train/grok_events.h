// When a run generalised: the first epoch whose validation accuracy reaches a threshold.
#pragma once

#include <cstdint>
#include <optional>

#include "grokking/train/history.h"

namespace grok {

// First epoch (as recorded in the history) with val_acc >= threshold; nullopt if none.
std::optional<int64_t> first_epoch_reaching(const History& history, double threshold);

}  // namespace grok
