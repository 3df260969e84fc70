#include "grokking/distill/distill_settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/distill/strategy_table.h"

namespace grok {

DistillSettings::DistillSettings() {
  for (const auto& p : strategy_params()) params.push_back(p.value);
}

bool DistillSettings::has(const std::string& strategy) const {
  return std::find(strategies.begin(), strategies.end(), strategy) != strategies.end();
}

double& DistillSettings::param(const std::string& name) {
  const auto& specs = strategy_params();
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (name == specs[i].spec.name) return params.at(i);
  GROK_CHECK(false, "no strategy hyperparameter '{}'", name);
}

double DistillSettings::param(const std::string& name) const {
  return const_cast<DistillSettings&>(*this).param(name);
}

void DistillSettings::check(const std::string& prefix) const {
  if (strategies.empty())
    throw UsageError(fmt::format("{}strategies: none given; choose one or more of {}", prefix,
                                 strategy_names_text()));
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    strategy_info(strategies[i]);
    if (std::find(strategies.begin(), strategies.begin() + i, strategies[i]) !=
        strategies.begin() + i)
      throw UsageError(fmt::format("strategies: '{}' is listed twice", strategies[i]));
  }
  if (disable_ground_truth && strategies.size() == 1 && strategies[0] == "logit" && alpha == 1)
    throw UsageError(fmt::format(
        "{}alpha: 1 with --disable_ground_truth and only the logit strategy leaves no loss "
        "(the logit term is weighted 1 − alpha)",
        prefix));
  if (distill_top_k > 0 && !has("logit"))
    throw UsageError(fmt::format(
        "{}distill_top_k: {} applies to the logit strategy, which is not among the strategies "
        "({})",
        prefix, distill_top_k, fmt::join(strategies, ", ")));
}

}  // namespace grok
