// Distillation weights per stage (distill/distill_stages.h, DistillationObjective::begin_stage):
// after begin_stage the objective computes what an objective built with the stage's settings
// computes (loss, components, d_logits), keeps its projectors, and goes back to the run's
// values for a stage that sets none; out-of-range stage weights are refused naming the stage.
#include "grokking/distill/distill_stages.h"

#include <gtest/gtest.h>

#include <vector>

#include "grokking/distill/distillation_objective.h"
#include "unit/model_test_support.h"
#include "unit/stage_test_support.h"
#include "unit/test_support.h"

namespace grok {
namespace {

constexpr int kBatch = 4;

ModelConfig tiny(int dim) { return testing::tiny_model(dim, 1); }

struct Step {
  ObjectiveSums sums;
  std::vector<float> d_logits;
};

// One objective call on kBatch examples of a fixed student.
Step step(DistillationObjective& objective, const ModelConfig& student, const Dataset& data) {
  Buffer<float> params(param_layout(student).total_size());
  init_params(student, param_layout(student), 9, params.data());
  Transformer<float> model(student, kBatch);
  ForwardOptions opts;
  opts.last_layer = LastLayer::kFull;
  const std::vector<int32_t> ids = {0, 1, 2, 3};
  const float* logits = model.forward(params.data(), data.tokens.data(), kBatch, opts);
  Step out;
  out.d_logits.assign(kBatch * 9, 0.0f);
  Scratch<float> scratch;
  out.sums =
      objective.loss_and_gradient(model, logits, data.labels.data(), ids.data(), kBatch, kBatch,
                                  out.d_logits.data(), objective.extra_grads(), scratch);
  return out;
}

TEST(DistillStages, AnObjectiveInAStageEqualsOneBuiltWithItsSettings) {
  const ModelConfig teacher = tiny(12), student = tiny(8);
  Buffer<float> teacher_params(param_layout(teacher).total_size());
  init_params(teacher, param_layout(teacher), 5, teacher_params.data());
  Dataset data;
  data.tokens = testing::random_tokens(kBatch * 4, 9, 3);
  for (int i = 0; i < kBatch; ++i) data.labels.push_back(data.tokens[i * 4] % 9);
  const TeacherCache<float> cache(teacher, teacher_params.data(), data,
                                  TeacherNeeds{true, false, true}, kBatch);
  DistillSettings run;
  run.strategies = {"logit", "feature"};
  StageConfig stage = testing_support::stage("soft", 1);
  stage.weights = {{"alpha", 0.1}, {"temperature", 3.0}, {"feature_weight", 2.0}};
  DistillSettings direct = run;
  direct.alpha = 0.1;
  direct.param("temperature") = 3.0;
  direct.param("feature_weight") = 2.0;
  EXPECT_EQ(settings_for_stage(run, stage), direct);

  DistillationObjective staged(student, cache, &cache, run, 1),
      built(student, cache, &cache, direct, 1);
  const Step before = step(staged, student, data);
  const Projectors<float>* projectors = staged.projectors();
  staged.begin_stage(stage);
  EXPECT_EQ(staged.projectors(), projectors);  // trained state kept
  const Step in_stage = step(staged, student, data), expected = step(built, student, data);
  EXPECT_EQ(in_stage.sums.loss, expected.sums.loss);
  EXPECT_EQ(in_stage.sums.components, expected.sums.components);
  EXPECT_EQ(in_stage.d_logits, expected.d_logits);
  EXPECT_NE(in_stage.sums.loss, before.sums.loss);  // and the stage changed something
  // A stage without weights: the run's values again.
  const StageConfig plain = testing_support::stage("plain", 1);
  staged.begin_stage(plain);
  EXPECT_EQ(step(staged, student, data).sums.loss, before.sums.loss);
}

TEST(DistillStages, OutOfRangeWeightsAreRefusedNamingTheStage) {
  DistillSettings run;
  const StageConfig a = testing_support::stage("a", 1);
  StageConfig b = testing_support::stage("b", 1);
  b.weights = {{"alpha", 1.5}};
  EXPECT_EQ(testing_support::error_of([&] { check_stage_settings(run, {a}); }), "(no error)");
  EXPECT_CONTAINS(testing_support::error_of([&] {
                    check_stage_settings(run, {a, b});
                  }),
                  "stages[1].alpha");
  b.weights = {{"temperature", 0}};
  EXPECT_CONTAINS(testing_support::error_of([&] { check_stage_settings(run, {b}); }),
                  "stages[0].temperature");
  run.disable_ground_truth = true;
  b.weights = {{"alpha", 1}};
  EXPECT_CONTAINS(testing_support::error_of([&] { check_stage_settings(run, {b}); }),
                  "leaves no loss");
  EXPECT_EQ(stage_weight_names(), (std::vector<std::string>{"alpha", "temperature",
                                                            "attention_weight", "feature_weight"}));
}

}  // namespace
}  // namespace grok
