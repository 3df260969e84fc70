#include "grokking/train/grok_events.h"

#include <algorithm>

namespace grok {

std::optional<int64_t> first_epoch_reaching(const History& history, const std::string& column,
                                            double threshold) {
  const auto& values = history.column(column);
  const auto& epoch = history.column("epoch");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] >= threshold) return static_cast<int64_t>(epoch[i]);
  return std::nullopt;
}

std::optional<int64_t> first_epoch_reaching(const History& history, double threshold) {
  return first_epoch_reaching(history, "val_acc", threshold);
}

GrokAssessment assess_grokking(const History& history, const GrokDefinition& definition) {
  const auto& columns = history.columns();
  auto has = [&](const char* name) {
    return std::find(columns.begin(), columns.end(), name) != columns.end();
  };
  GrokAssessment out;
  out.train_column = has("train_eval_acc") ? "train_eval_acc" : "train_acc";
  const auto& val = history.column("val_acc");
  out.val_epoch = first_epoch_reaching(history, definition.threshold);
  if (has(out.train_column.c_str()))
    out.train_epoch = first_epoch_reaching(history, out.train_column, definition.threshold);
  if (out.val_epoch && out.train_epoch) out.delay = *out.val_epoch - *out.train_epoch;
  if (out.val_epoch && !val.empty() && val.back() >= definition.threshold) {
    out.generalised = true;
    const auto& epoch = history.column("epoch");
    for (std::size_t i = 0; i < val.size(); ++i)
      if (epoch[i] >= static_cast<double>(*out.val_epoch) &&
          val[i] < definition.threshold - definition.tolerance)
        out.generalised = false;
  }
  out.grokked = out.generalised && out.delay && *out.delay >= definition.min_delay;
  return out;
}

}  // namespace grok
