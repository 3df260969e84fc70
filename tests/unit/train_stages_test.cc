// Multi-stage training (train/stage_config.h, stage_plan.h, the trainer): a stage's parsing and
// its errors, the checks across the list, the plan's epochs and steps, and a two-stage run whose
// embedding is frozen in stage 1 (bit-identical to its initial value through stage 1) and
// trained in stage 2, with the stage column and the restarted schedule in its history. Resume
// across stages is train_resume_test.cc's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/core/atomic_file.h"
#include "grokking/data/dataset.h"
#include "grokking/model/model_config.h"
#include "grokking/train/stage_config.h"
#include "grokking/train/stage_plan.h"
#include "grokking/train/trainer.h"
#include "unit/stage_test_support.h"
#include "unit/test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;
using testing_support::stage;

TEST(StageConfig, ParsesAMappingWithNestedRulesAndRoundTrips) {
  const StageConfig s = parse_stage(
      "{name: warm, epochs: 50, learning_rate: 0.002, warmup_steps: 5, param_groups: [{pattern: "
      "'^embedding\\.', lr_multiplier: 0}], reset_optimizer: true, alpha: 0, temperature: 4}",
      "stages");
  EXPECT_EQ(s.name, "warm");
  EXPECT_EQ(s.epochs, 50);
  EXPECT_EQ(s.learning_rate, 0.002);
  EXPECT_EQ(s.warmup_steps, 5);
  ASSERT_TRUE(s.param_groups.has_value());
  ASSERT_EQ(s.param_groups->size(), 1u);
  EXPECT_EQ((*s.param_groups)[0].pattern, "^embedding\\.");
  EXPECT_EQ((*s.param_groups)[0].lr_multiplier, 0.0);
  EXPECT_TRUE(s.reset_optimizer);
  EXPECT_EQ(s.weights, (std::map<std::string, double>{{"alpha", 0.0}, {"temperature", 4.0}}));
  EXPECT_EQ(parse_stage(stage_yaml(s), "k"), s);
  EXPECT_EQ(stage_from_json(stage_json(s)), s);
  // Unset keys stay unset (they inherit the run's values).
  const StageConfig plain = parse_stage("{name: b, epochs: 1}", "stages");
  EXPECT_FALSE(plain.learning_rate || plain.warmup_steps || plain.param_groups);
  EXPECT_FALSE(plain.reset_optimizer);
  EXPECT_TRUE(plain.weights.empty());
  EXPECT_EQ(parse_stage(stage_yaml(plain), "k"), plain);
}

TEST(StageConfig, RefusesBadStagesNamingTheProblem) {
  const auto message = [](const std::string& text) {
    EXPECT_THROW(parse_stage(text, "stages"), UsageError) << text;
    return error_of([&] { parse_stage(text, "stages"); });
  };
  EXPECT_CONTAINS(message("{epochs: 3}"), "no name");
  EXPECT_CONTAINS(message("{name: a}"), "no epochs");
  EXPECT_CONTAINS(message("{name: a, epochs: x}"), "'x' is not an integer");
  EXPECT_CONTAINS(message("{name: a, epochs: 1, optimizer: muon}"), "unknown key 'optimizer'");
  EXPECT_CONTAINS(message("{name: a, epochs: 1, epochs: 2}"), "given twice");
  EXPECT_CONTAINS(message("{name: a, epochs: 1, reset_optimizer: maybe}"), "maybe");
  EXPECT_CONTAINS(message("{name: a, epochs: 1, param_groups: [{pattern: '('}]}"),
                  "not a valid regex");
  EXPECT_CONTAINS(message("{name: a, epochs: 1, param_groups: x}"), "list of rules");
  EXPECT_CONTAINS(message("warm"), "not a mapping");
}

TEST(StageConfig, ChecksTheListNamingTheStageKeyAndWhatIsAllowed) {
  const OptimizerConfig optimizer;
  const auto message = [&](const std::vector<StageConfig>& stages) {
    return error_of([&] { check_stages(stages, optimizer, {"alpha", "temperature"}, ""); });
  };
  const StageConfig a = stage("a", 2), b = stage("b", 3);
  EXPECT_EQ(message({a, b}), "(no error)");
  StageConfig zero = b;
  zero.epochs = 0;
  EXPECT_CONTAINS(message({a, zero}), "stages[1].epochs: 0 is invalid");
  StageConfig unnamed = b;
  unnamed.name = "";
  EXPECT_CONTAINS(message({unnamed}), "stages[0].name: empty");
  EXPECT_CONTAINS(message({a, a}), "stages[1].name: 'a' is also the name of stages[0]");
  StageConfig typo = b;
  typo.weights["alpah"] = 0;
  const std::string text = message({a, typo});
  EXPECT_CONTAINS(text, "unknown key 'alpah' in stage 'b' (did you mean 'alpha'?)");
  EXPECT_CONTAINS(text, "allowed: name, epochs, learning_rate");
  // Without weight keys (grokking train) alpha is unknown.
  StageConfig weighted = b;
  weighted.weights["alpha"] = 0.5;
  EXPECT_CONTAINS(error_of([&] { check_stages({weighted}, optimizer, {}, ""); }),
                  "unknown key 'alpha'");
  StageConfig bad_lr = b;
  bad_lr.learning_rate = 0;
  EXPECT_CONTAINS(message({bad_lr}), "stages[0].learning_rate");
}

TEST(StagePlan, LaysTheStagesOverEpochsAndSteps) {
  const StagePlan plan({stage("a", 2), stage("b", 3)}, 4);
  EXPECT_TRUE(plan.staged());
  EXPECT_EQ(plan.first_epoch(1), 2);
  EXPECT_EQ(plan.first_step(1), 8);
  EXPECT_EQ(plan.stage_of_epoch(1), 0u);
  EXPECT_EQ(plan.stage_of_epoch(2), 1u);
  EXPECT_EQ(plan.stage_of_epoch(9), 1u);
  // A checkpoint at the end of epoch 2 holds stage a's optimizer; one mid-epoch 3, stage b's.
  EXPECT_EQ(plan.stage_after(2, 0), 0u);
  EXPECT_EQ(plan.stage_after(2, 1), 1u);
  EXPECT_EQ(plan.stage_after(0, 0), 0u);
  const StagePlan none({}, 4);
  EXPECT_FALSE(none.staged());
  EXPECT_EQ(none.size(), 1u);
  EXPECT_EQ(none.stage_of_epoch(7), 0u);
}

// p = 23 "/", batch 64: 4 steps per epoch; stage "frozen" (2 epochs, embedding frozen, warmup
// 6 steps), then "all" (2 epochs, lr 2e-3, warmup 6 again); every epoch checkpointed.
TEST(StagedTraining, FrozenInStageOneThenTrainedWithTheScheduleRestarted) {
  const fs::path dir = fs::temp_directory_path() / ("grok-stages-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  TrainConfig c;
  c.task.p = 23;
  c.model.depth = 1;
  c.model.dim = 16;
  c.loop.batch_size = 64;
  c.optimizer.warmup_steps = 6;
  c.checkpoint_every = 1;
  c.keep = 10;
  c.threads = 1;
  c.quiet = true;
  c.save_dir = dir.string();
  StageConfig frozen = stage("frozen", 2);
  frozen.param_groups = std::vector<ParamGroupRule>{{"^embedding\\.", 0.0, std::nullopt}};
  StageConfig all = stage("all", 2);
  all.learning_rate = 2e-3;
  c.stages = {frozen, all};
  c.finalize("train");
  c.validate();
  EXPECT_EQ(c.loop.epochs, 4);
  TrainerSetup setup;
  setup.config = c;
  setup.config_yaml = "p: 23\n";
  ASSERT_EQ(run_training(setup, make_split(c.task)).exit_code, 0);

  const TensorLayout layout = param_layout(c.model);
  std::vector<float> initial(layout.total_size());
  init_params(c.model, layout, c.seed, initial.data());
  const TensorSpec& spec = layout.find("embedding.embedding");
  const std::vector<float> start(
      initial.begin() + static_cast<std::ptrdiff_t>(spec.offset),
      initial.begin() + static_cast<std::ptrdiff_t>(spec.offset + spec.size()));
  const auto embedding = [&](int64_t step) {
    return load_checkpoint(dir / "checkpoints" / step_dir_name(step))
        .model.get("embedding.embedding")
        .values<float>();
  };
  EXPECT_EQ(embedding(4), start);
  EXPECT_EQ(embedding(8), start);   // bit-identical through stage 1
  EXPECT_NE(embedding(12), start);  // trained in stage 2
  // Stage 2's embedding moments exist only in its checkpoints.
  EXPECT_EQ(load_checkpoint(dir / "checkpoints" / step_dir_name(8))
                .optimizer.find("adam.mu.embedding.embedding"),
            nullptr);
  EXPECT_NE(load_checkpoint(dir / "checkpoints" / step_dir_name(12))
                .optimizer.find("adam.mu.embedding.embedding"),
            nullptr);

  const auto history = nlohmann::json::parse(read_file(dir / "training_history.json"));
  EXPECT_EQ(history["stage"], (std::vector<double>{0, 0, 1, 1}));
  // lr of the next update after each epoch (4 updates each), warmup counted in each stage's own
  // updates: 4 of 6 and done in stage 1; again 4 of 6 (not done, as one schedule would be),
  // then done in stage 2.
  const std::vector<double> lr = history["lr"];
  const std::vector<double> expected = {1e-3 * 4 / 6, 1e-3, 2e-3 * 4 / 6, 2e-3};
  ASSERT_EQ(lr.size(), expected.size());
  for (std::size_t i = 0; i < lr.size(); ++i) EXPECT_DOUBLE_EQ(lr[i], expected[i]) << i;
  const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
  EXPECT_EQ(summary["stages"][1]["name"], "all");
  EXPECT_EQ(summary["stages"][1]["first_epoch"], 3);
  const auto metadata = nlohmann::json::parse(read_file(dir / "checkpoints" / "metadata.json"));
  EXPECT_EQ(metadata["stages"][0]["name"], "frozen");
  fs::remove_all(dir);
}

TEST(StagedTraining, EpochsComeFromTheStages) {
  TrainConfig c;
  c.stages = {stage("a", 2), stage("b", 3)};
  c.loop.epochs = 7;
  EXPECT_CONTAINS(error_of([&] { c.finalize("train"); }),
                  "epochs: 7 with stages whose epochs sum to 5");
  c.loop.epochs = 5;
  c.finalize("train");
  EXPECT_EQ(c.loop.epochs, 5);
}

}  // namespace
}  // namespace grok
