#include "grokking/train/grok_events.h"

namespace grok {

std::optional<int64_t> first_epoch_reaching(const History& history, double threshold) {
  const auto& val_acc = history.column("val_acc");
  const auto& epoch = history.column("epoch");
  for (std::size_t i = 0; i < val_acc.size(); ++i)
    if (val_acc[i] >= threshold) return static_cast<int64_t>(epoch[i]);
  return std::nullopt;
}

bool grokked(const History& history, double threshold, int window) {
  int run = 0;
  for (const double acc : history.column("val_acc")) {
    run = acc >= threshold ? run + 1 : 0;
    if (run >= window) return true;
  }
  return false;
}

}  // namespace grok
