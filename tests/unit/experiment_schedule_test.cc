// The runner's start order (experiment/schedule.h): trials others wait for first, then the
// longest by estimated cost, ties in plan order; the cost estimate against a hand count.
#include <gtest/gtest.h>

#include "grokking/data/task.h"
#include "grokking/experiment/schedule.h"
#include "grokking/model/flops.h"
#include "grokking/model/model_config.h"

namespace grok {
namespace {

Trial make_trial(const std::string& id, TrialKind kind, int dim, const std::string& strategy = "",
                 std::vector<std::string> depends_on = {}) {
  Trial t;
  t.id = id;
  t.kind = kind;
  t.strategy = strategy;
  t.model.dim = dim;
  apply_task_shape(Task(t.task), t.model);
  t.depends_on = std::move(depends_on);
  if (strategy == "feature") t.distill.strategies = {"feature"};
  return t;
}

TEST(Schedule, CostIsEpochsTimesStepsAndEvaluation) {
  const Trial t = make_trial("s42/teacher", TrialKind::kTeacher, 128);
  // p = 97 division: 9312 pairs, 4656 to train in 10 steps (9 × 512 + 48), 4656 to validate.
  const FlopModel m = flop_model(t.model, LastLayer::kTrimmed);
  const double epoch = 10 * training_step_flops(m, 512).total + eval_flops(m, 4656);
  EXPECT_DOUBLE_EQ(estimated_cost(t), 150 * epoch);
  const Trial feature = make_trial("f", TrialKind::kStudent, 128, "feature", {"s42/teacher"});
  EXPECT_DOUBLE_EQ(estimated_cost(feature), 1.8 * 150 * epoch);
}

TEST(Schedule, CriticalPathFirstThenLongest) {
  // Plan order as the planner writes it: teacher, students, control; a recursive chain.
  const std::vector<Trial> plan = {
      make_trial("s42/scratch-d64-l2", TrialKind::kScratch, 64),
      make_trial("s42/teacher", TrialKind::kTeacher, 128),
      make_trial("s42/student-0.5-logit-r0", TrialKind::kStudent, 64, "logit", {"s42/teacher"}),
      make_trial("s42/student-0.5-feature-r0", TrialKind::kStudent, 64, "feature", {"s42/teacher"}),
      make_trial("s42/student-0.5-attention-r0", TrialKind::kStudent, 64, "attention",
                 {"s42/teacher"}),
      make_trial("s42/student-0.5-logit-r1", TrialKind::kStudent, 32, "logit",
                 {"s42/student-0.5-logit-r0"}),
  };
  const std::vector<std::size_t> order = start_order(plan);
  // Gating: the teacher (costlier) before the round-0 logit student; then the feature
  // student (1.8×); then the width-64 trials in plan order; the width-32 round last.
  const std::vector<std::size_t> expected = {1, 2, 3, 0, 4, 5};
  EXPECT_EQ(order, expected);
}

}  // namespace
}  // namespace grok
