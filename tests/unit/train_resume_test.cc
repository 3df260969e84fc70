// Exact resume, in process: a run stopped by SIGINT/SIGTERM at chosen steps (mid-epoch, at an
// epoch's last batch, in the final epoch; once or several times) and resumed ends with
// byte-identical model and optimizer files, the same history (but elapsed_s) and the same
// summary (but timing) as a run that never stopped. The stop is requested from inside the
// objective after its N-th call, so the step is exact (the CLI tests send real signals).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/core/atomic_file.h"
#include "grokking/data/dataset.h"
#include "grokking/model/transformer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/stop_signal.h"
#include "grokking/train/trainer.h"
#include "unit/stage_test_support.h"
#include "unit/test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;

// Cross-entropy that requests a stop (as the signal handler would) after its N-th call of
// this process, i.e. during step N.
class StopAtStep : public Objective {
 public:
  StopAtStep(int classes, int64_t stop_at, int signal, Loss loss = Loss::kSoftmax)
      : inner_(classes, loss), stop_at_(stop_at), signal_(signal) {}
  std::vector<std::string> component_names() const override { return inner_.component_names(); }
  ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                  const int32_t* labels, const int32_t* example_ids, int batch,
                                  int normaliser, float* d_logits, float* d_extra,
                                  Scratch<float>& scratch) const override {
    if (++calls_ == stop_at_) request_stop(signal_);
    return inner_.loss_and_gradient(model, logits, labels, example_ids, batch, normaliser, d_logits,
                                    d_extra, scratch);
  }

 private:
  CrossEntropyObjective inner_;
  mutable std::atomic<int64_t> calls_ = 0;  // shards call it side by side
  int64_t stop_at_;
  int signal_;
};

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

class TrainResumeTest : public ::testing::Test {
 protected:
  TrainResumeTest() {
    static int counter = 0;
    root_ = fs::temp_directory_path() /
            ("grok-resume-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    reset_stop_signal();
  }
  ~TrainResumeTest() override {
    reset_stop_signal();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // p = 23 "/": 253 training pairs, 4 steps of batch 64 per epoch; dropout on.
  TrainConfig config(const std::string& name, bool resume) const {
    TrainConfig c;
    c.task.p = 23;
    c.model.depth = 1;
    c.model.dim = 32;
    c.loop.epochs = 8;
    c.loop.batch_size = 64;
    c.checkpoint_every = 3;
    c.threads = 1;
    c.quiet = true;
    c.resume = resume;
    c.loop.eval_train = eval_train_;
    c.save_dir = (root_ / name).string();
    if (tweak_) tweak_(c);
    c.finalize("train");
    c.validate();
    return c;
  }

  int train(const std::string& name, bool resume, Objective* objective = nullptr) {
    TrainerSetup setup;
    setup.config = config(name, resume);
    setup.config_yaml = "p: 23\n";
    setup.objective = objective;
    const int code = run_training(setup, make_split(setup.config.task)).exit_code;
    reset_stop_signal();
    return code;
  }

  fs::path step_dir(const std::string& name, int64_t step) const {
    return root_ / name / "checkpoints" / step_dir_name(step);
  }

  // Run `name` equals the uninterrupted run "ref" in everything but timings.
  void expect_same_as_reference(const std::string& name) {
    const int64_t final_step = 8 * kStepsPerEpoch;
    for (const auto file : {kModelFile, kOptimizerFile})
      EXPECT_EQ(read_file(step_dir("ref", final_step) / file),
                read_file(step_dir(name, final_step) / file))
          << name << ": " << file << " differs";
    nlohmann::json history[2], summary[2], state[2];
    for (int i = 0; i < 2; ++i) {
      const fs::path dir = root_ / (i == 0 ? "ref" : name);
      history[i] = read_json(dir / "training_history.json");
      history[i].erase("elapsed_s");
      summary[i] = read_json(dir / "summary.json");
      summary[i].erase("timing");
      state[i] = read_json(step_dir(i == 0 ? "ref" : name, final_step) / kStateFile);
      state[i].erase("elapsed_s");
      state[i].erase("state_sha256");
    }
    EXPECT_EQ(history[0], history[1]) << name;
    EXPECT_EQ(summary[0], summary[1]) << name;
    EXPECT_EQ(state[0], state[1]) << name;
    EXPECT_EQ(history[1]["epoch"].size(), 8u) << name;
  }

  // The state.json of the newest checkpoint of `name`.
  nlohmann::json newest_state(const std::string& name) const {
    const auto steps = CheckpointManager(root_ / name / "checkpoints").list_steps();
    EXPECT_FALSE(steps.empty());
    return steps.empty() ? nlohmann::json() : read_json(steps.front().path / kStateFile);
  }

  static constexpr int64_t kStepsPerEpoch = 4;  // ceil(253 / 64)
  fs::path root_;
  bool eval_train_ = false;
  std::function<void(TrainConfig&)> tweak_;  // options beyond the defaults above
};

TEST_F(TrainResumeTest, ReferenceRunHasTheExpectedShape) {
  ASSERT_EQ(make_split(config("ref", false).task).train.size(), 253);
  ASSERT_EQ(train("ref", false), 0);
  const auto history = read_json(root_ / "ref" / "training_history.json");
  EXPECT_EQ(history["step"].back(), 8 * kStepsPerEpoch);
  // checkpoint_every 3 plus the final epoch, all kept (keep 3).
  std::vector<int64_t> steps;
  for (const auto& e : CheckpointManager(root_ / "ref" / "checkpoints").list_steps())
    steps.push_back(e.step);
  EXPECT_EQ(steps, (std::vector<int64_t>{32, 24, 12}));
}

TEST_F(TrainResumeTest, StopMidEpochThenResumeIsBitIdentical) {
  ASSERT_EQ(train("ref", false), 0);
  // (step of the stop, signal): first step of all; mid-epoch 3; the final epoch.
  const std::pair<int64_t, int> stops[] = {
      {1, SIGINT}, {2 * kStepsPerEpoch + 2, SIGTERM}, {7 * kStepsPerEpoch + 1, SIGINT}};
  for (const auto& [stop_at, signal] : stops) {
    const std::string name = "stop" + std::to_string(stop_at);
    StopAtStep objective(25, stop_at, signal);
    ASSERT_EQ(train(name, false, &objective), signal == SIGINT ? 130 : 143) << name;
    const auto state = newest_state(name);
    EXPECT_EQ(state["step"], stop_at) << name;
    EXPECT_EQ(state["epoch"], stop_at / kStepsPerEpoch) << name;
    EXPECT_EQ(state["data_order"]["batch_in_epoch"], stop_at % kStepsPerEpoch) << name;
    EXPECT_EQ(state["finished"], false) << name;
    EXPECT_FALSE(fs::exists(root_ / name / "summary.json")) << name;
    ASSERT_EQ(train(name, true), 0) << name;
    expect_same_as_reference(name);
  }
}

TEST_F(TrainResumeTest, StopAtTheLastBatchOfAnEpochCheckpointsThatEpoch) {
  ASSERT_EQ(train("ref", false), 0);
  // Epoch 2 is not a multiple of checkpoint_every: the signal alone causes this save.
  StopAtStep objective(25, 2 * kStepsPerEpoch, SIGTERM);
  ASSERT_EQ(train("run", false, &objective), 143);
  const auto state = newest_state("run");
  EXPECT_EQ(state["step"], 2 * kStepsPerEpoch);
  EXPECT_EQ(state["epoch"], 2);
  EXPECT_EQ(state["data_order"]["batch_in_epoch"], 0);
  EXPECT_EQ(read_json(root_ / "run" / "training_history.json")["epoch"].size(), 2u);
  ASSERT_EQ(train("run", true), 0);
  expect_same_as_reference("run");
}

TEST_F(TrainResumeTest, SeveralStopsInOneRun) {
  ASSERT_EQ(train("ref", false), 0);
  StopAtStep first(25, 3, SIGINT);  // mid-epoch 1
  ASSERT_EQ(train("run", false, &first), 130);
  // Counted from the resumed process's first step: global step 3 + 14 = 17, mid-epoch 5.
  StopAtStep second(25, 14, SIGTERM);
  ASSERT_EQ(train("run", true, &second), 143);
  EXPECT_EQ(newest_state("run")["step"], 17);
  StopAtStep third(25, 1, SIGINT);  // right after resuming: step 18
  ASSERT_EQ(train("run", true, &third), 130);
  EXPECT_EQ(newest_state("run")["step"], 18);
  ASSERT_EQ(train("run", true), 0);
  expect_same_as_reference("run");
}

TEST_F(TrainResumeTest, ResumingFromAnEpochCheckpointIsBitIdentical) {
  ASSERT_EQ(train("ref", false), 0);
  // As after a kill -9 at epoch 7: the newest checkpoint is epoch 6, the history runs ahead.
  fs::copy(root_ / "ref", root_ / "run", fs::copy_options::recursive);
  fs::remove_all(step_dir("run", 8 * kStepsPerEpoch));
  fs::remove(root_ / "run" / "summary.json");
  ASSERT_EQ(train("run", true), 0);
  expect_same_as_reference("run");
}

TEST_F(TrainResumeTest, EvalTrainColumnsResumeAndMatchAnInferencePass) {
  eval_train_ = true;
  ASSERT_EQ(train("ref", false), 0);
  StopAtStep objective(25, 2 * kStepsPerEpoch + 2, SIGINT);
  ASSERT_EQ(train("run", false, &objective), 130);
  ASSERT_EQ(train("run", true), 0);
  expect_same_as_reference("run");
  const auto history = read_json(root_ / "ref" / "training_history.json");
  ASSERT_TRUE(history.contains("train_eval_acc") && history.contains("train_eval_loss"));
  // The last entry is an inference-mode pass of the final model over the training split.
  const LoadedModel m = load_model(root_ / "ref");
  const Dataset data = make_split(m.task).train;
  Transformer<float> net(m.config, data.size());
  const float* logits = net.forward(m.params.data(), data.tokens.data(), data.size(), {});
  int correct = 0;
  for (int i = 0; i < data.size(); ++i) {
    const float* row = logits + int64_t{i} * m.config.n_classes;
    correct += std::max_element(row, row + m.config.n_classes) - row == data.labels[i];
  }
  EXPECT_DOUBLE_EQ(history["train_eval_acc"].back().get<double>(),
                   static_cast<double>(correct) / data.size());
  // Dropout 0.1 by default: the running training-mode accuracy differs from it.
  EXPECT_EQ(history["train_acc"].size(), history["train_eval_acc"].size());
}

// Every option with state or a changed step (Grokfast's EMA and MA windows, ⊥Grad, decay
// towards the initial weights, the initial scale, StableMax and softmax64) resumes exactly.
TEST_F(TrainResumeTest, AcceleratorsAndLossesResumeBitIdentically) {
  const std::function<void(TrainConfig&)> settings[] = {
      [](TrainConfig& c) {
        c.optimizer.grokfast = Grokfast::kEma;
        c.optimizer.orthogonal_grad = true;
        c.optimizer.decay_to = DecayTo::kInit;
        c.loop.loss = Loss::kStableMax;
        c.loop.init_scale = 3.0;
      },
      [](TrainConfig& c) {
        c.optimizer.grokfast = Grokfast::kMa;
        c.optimizer.grokfast_window = 6;  // spans an epoch boundary and the stop
        c.optimizer.grokfast_filter = "sum";
        c.optimizer.grokfast_lambda = 0.5;
        c.loop.loss = Loss::kSoftmax64;
      },
      [](TrainConfig& c) {  // parameter groups, a frozen embedding, Muon and Grokfast's state
        c.optimizer.type = "muon";
        c.optimizer.grokfast = Grokfast::kEma;
        c.optimizer.param_groups = {{"^embedding", 0.0, std::nullopt}, {"attn\\.w[qk]", 0.5, 0.1}};
      }};
  int index = 0;
  for (const auto& setting : settings) {
    tweak_ = setting;
    const std::string ref = "ref", name = "run" + std::to_string(index++);
    fs::remove_all(root_ / ref);
    ASSERT_EQ(train(ref, false), 0);
    StopAtStep objective(25, 2 * kStepsPerEpoch + 3, SIGINT, config(name, false).loop.loss);
    ASSERT_EQ(train(name, false, &objective), 130) << name;
    ASSERT_EQ(train(name, true), 0) << name;
    expect_same_as_reference(name);
  }
  // The options changed the run: its weights differ from the defaults'.
  tweak_ = nullptr;
  ASSERT_EQ(train("plain", false), 0);
  EXPECT_NE(read_file(step_dir("plain", 8 * kStepsPerEpoch) / kModelFile),
            read_file(step_dir("ref", 8 * kStepsPerEpoch) / kModelFile));
}

// Gradient accumulation: a stop between two updates of micro-batches (batch 32, two per update:
// 4 updates per epoch as above) resumes exactly; the objective is called twice per update.
TEST_F(TrainResumeTest, GradAccumResumesBitIdentically) {
  tweak_ = [](TrainConfig& c) {
    c.loop.batch_size = 32;
    c.loop.grad_accum = 2;
  };
  ASSERT_EQ(train("ref", false), 0);
  StopAtStep objective(25, 2 * (2 * kStepsPerEpoch + 3), SIGTERM);
  ASSERT_EQ(train("accum", false, &objective), 143);
  EXPECT_EQ(newest_state("accum")["step"], 2 * kStepsPerEpoch + 3);
  ASSERT_EQ(train("accum", true), 0);
  expect_same_as_reference("accum");
}

// Multi-stage (train/stage_config.h): stage "frozen" (3 epochs, the embedding frozen, warmup 6),
// then "all" (5 epochs, lr 2e-3, the warmup again), with the optimizer state kept or reset. A
// stop in stage 1, at its last batch (the checkpoint holds stage 1's optimizer; the resumed run
// enters stage 2) and mid-stage 2 each resumes exactly.
TEST_F(TrainResumeTest, MultiStageRunsResumeBitIdenticallyInEveryStage) {
  for (const bool reset : {false, true}) {
    SCOPED_TRACE(reset ? "reset_optimizer" : "state kept");
    fs::remove_all(root_);
    tweak_ = [reset](TrainConfig& c) {
      c.optimizer.warmup_steps = 6;
      StageConfig frozen = testing_support::stage("frozen", 3),
                  all = testing_support::stage("all", 5);
      frozen.param_groups = std::vector<ParamGroupRule>{{"^embedding\\.", 0.0, std::nullopt}};
      all.learning_rate = 2e-3;
      all.reset_optimizer = reset;
      c.stages = {frozen, all};
    };
    ASSERT_EQ(train("ref", false), 0);
    EXPECT_EQ(read_json(root_ / "ref" / "training_history.json")["stage"],
              (std::vector<double>{0, 0, 0, 1, 1, 1, 1, 1}));
    for (const int64_t stop_at :
         {2 * kStepsPerEpoch + 1, 3 * kStepsPerEpoch, 4 * kStepsPerEpoch + 2}) {
      const std::string name = "stop" + std::to_string(stop_at);
      StopAtStep objective(25, stop_at, SIGTERM);
      ASSERT_EQ(train(name, false, &objective), 143) << name;
      EXPECT_EQ(newest_state(name)["step"], stop_at) << name;
      ASSERT_EQ(train(name, true), 0) << name;
      expect_same_as_reference(name);
    }
  }
}

// A resume with another stages list is refused, naming the section.
TEST_F(TrainResumeTest, ResumingWithOtherStagesIsRefused) {
  // Stages "a" and "b" of 4 epochs each; b resets the optimizer or not.
  const auto two_stages = [this](bool reset) {
    tweak_ = [reset](TrainConfig& c) {
      StageConfig b = testing_support::stage("b", 4);
      b.reset_optimizer = reset;
      c.stages = {testing_support::stage("a", 4), b};
    };
  };
  two_stages(false);
  StopAtStep objective(25, 5, SIGTERM);
  ASSERT_EQ(train("run", false, &objective), 143);
  two_stages(true);
  const std::string message = testing_support::error_of([&] { train("run", true); });
  EXPECT_NE(message.find("different run"), std::string::npos) << message;
  EXPECT_NE(message.find("stages"), std::string::npos) << message;
}

}  // namespace
}  // namespace grok
