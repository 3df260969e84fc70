// Gradient accumulation end to end (--grad_accum): N micro-batches of B examples per optimizer
// step train the model that steps of N·B examples train, to float rounding (dropout on, one and
// two shards); steps, max_steps and the lr schedule count optimizer steps. The micro-batch
// arithmetic itself is tested in train_sharded_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "grokking/core/atomic_file.h"
#include "grokking/data/dataset.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/trainer.h"

namespace grok {
namespace {

namespace fs = std::filesystem;

class GradAccumTest : public ::testing::Test {
 protected:
  GradAccumTest()
      : root_(fs::temp_directory_path() / ("grok-accum-test-" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
  }
  ~GradAccumTest() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // p = 23 "/": 253 training pairs; dropout on; warmup 0 so that the first step moves.
  fs::path train(const std::string& name, int batch, int accum, int threads, int64_t max_steps) {
    TrainerSetup setup;
    TrainConfig& c = setup.config;
    c.task.p = 23;
    c.model.depth = 1;
    c.model.dim = 32;
    c.optimizer.warmup_steps = 0;
    c.loop.epochs = 3;
    c.loop.batch_size = batch;
    c.loop.grad_accum = accum;
    c.loop.max_steps = max_steps;
    c.threads = threads;
    c.quiet = true;
    c.tensorboard = false;
    c.save_dir = (root_ / name).string();
    c.finalize("train");
    c.validate();
    setup.config_yaml = "p: 23\n";
    EXPECT_EQ(run_training(setup, make_split(c.task)).exit_code, 0) << name;
    return root_ / name;
  }

  static nlohmann::json history(const fs::path& run) {
    return nlohmann::json::parse(read_file(run / "training_history.json"));
  }

  fs::path root_;
};

// max |a − b| over max |a|, over every weight.
double relative_difference(const LoadedModel& a, const LoadedModel& b) {
  EXPECT_EQ(a.params.size(), b.params.size());
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    worst = std::max(worst, double{std::abs(a.params[i] - b.params[i])});
    scale = std::max(scale, double{std::abs(a.params[i])});
  }
  return worst / scale;
}

TEST_F(GradAccumTest, MicroBatchesTrainTheModelOfTheLargerBatch) {
  // 96 × 2 = 192 examples per step: steps of 192 and 61 (the epoch's rest), the second step in
  // micro-batches of 96 and 96, then 61 alone; 4 micro-batches of 48 and 1 of 61 likewise.
  const fs::path whole = train("whole", 192, 1, 1, 0);
  const LoadedModel reference = load_model(whole);
  for (const auto& [batch, accum] : {std::pair{96, 2}, std::pair{48, 4}}) {
    for (const int threads : {1, 2}) {
      SCOPED_TRACE(::testing::Message() << batch << " x " << accum << ", threads " << threads);
      const fs::path run = train("b" + std::to_string(batch) + "t" + std::to_string(threads), batch,
                                 accum, threads, 0);
      EXPECT_LT(relative_difference(reference, load_model(run)), 1e-5);
      const nlohmann::json h = history(run), r = history(whole);
      EXPECT_EQ(h["step"], r["step"]);  // 2 optimizer steps per epoch
      EXPECT_EQ(h["lr"], r["lr"]);
      EXPECT_EQ(h["train_acc"], r["train_acc"]);
      for (std::size_t e = 0; e < r["train_loss"].size(); ++e)
        EXPECT_NEAR(h["train_loss"][e].get<double>(), r["train_loss"][e].get<double>(), 1e-5);
    }
  }
  EXPECT_EQ(history(whole)["step"].back(), 6);
  // The comparison can fail: steps of 96 examples without accumulation train another model.
  EXPECT_GT(relative_difference(reference, load_model(train("small", 96, 1, 1, 0))), 1e-3);
}

TEST_F(GradAccumTest, MaxStepsCountsOptimizerSteps) {
  const fs::path run = train("limited", 48, 4, 1, 3);
  EXPECT_EQ(history(run)["step"].back(), 3);
  EXPECT_EQ(load_model(run).step, 3);
}

}  // namespace
}  // namespace grok
