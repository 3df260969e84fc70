#include "grokking/experiment/schedule.h"

#include <algorithm>
#include <set>
#include <string>

#include "grokking/data/task.h"
#include "grokking/model/flops.h"

namespace grok {

double estimated_cost(const Trial& trial) {
  const Task task(trial.task, /*validated=*/true);
  const int train = task.train_count(), val = task.example_count() - train;
  const int batch = std::max(1, std::min(trial.phase.loop.batch_size, train));
  const FlopModel model = flop_model(trial.model, LastLayer::kTrimmed);
  const double steps = (train + batch - 1) / batch;
  const double epoch =
      steps * training_step_flops(model, batch).total + eval_flops(model, std::max(1, val));
  const bool feature = trial.distill.has("feature");
  return trial.phase.loop.epochs * epoch *
         (trial.kind == TrialKind::kStudent && feature ? 1.8 : 1.0);
}

std::vector<std::size_t> start_order(const std::vector<Trial>& plan) {
  std::set<std::string> gating;
  for (const Trial& t : plan) gating.insert(t.depends_on.begin(), t.depends_on.end());
  std::vector<double> cost(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i)
    cost[i] = plan[i].checkpoint.empty() ? estimated_cost(plan[i]) : 0.0;
  std::vector<std::size_t> order(plan.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool ga = gating.count(plan[a].id) > 0, gb = gating.count(plan[b].id) > 0;
    if (ga != gb) return ga;
    return cost[a] > cost[b];
  });
  return order;
}

}  // namespace grok
