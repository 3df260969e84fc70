// load_model on a real run: from the run directory, its checkpoint directory or one step
// directory it returns the run's config, task and exactly the weights in model.safetensors;
// evaluating them on the validation split (independent argmax count) reproduces the run's
// final_val_acc and each checkpointed epoch's history val_acc exactly. Bad paths and corrupt
// checkpoints are errors naming the file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/model/transformer.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/trainer.h"
#include "test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

// Fraction of `data` whose logits' first maximum is the label, in chunks of `chunk` rows.
double accuracy(const LoadedModel& loaded, const Dataset& data, int chunk) {
  Transformer<float> model(loaded.config, chunk);
  const int classes = loaded.config.n_classes;
  int64_t correct = 0;
  for (int begin = 0; begin < data.size(); begin += chunk) {
    const int count = std::min(chunk, data.size() - begin);
    const float* logits =
        model.forward(loaded.params.data(), data.tokens.data() + int64_t{begin} * data.seq_len,
                      count, ForwardOptions{});
    for (int i = 0; i < count; ++i) {
      const float* row = logits + int64_t{i} * classes;
      int best = 0;
      for (int c = 1; c < classes; ++c)
        if (row[c] > row[best]) best = c;
      correct += best == data.labels[begin + i];
    }
  }
  return static_cast<double>(correct) / data.size();
}

class TrainLoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() /
                         ("grok-loader-test-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    // p = 23 "+": 529 pairs, 264 for training; 12 epochs, checkpoints at 4, 8, 12.
    TrainerSetup setup;
    TrainConfig& c = setup.config;
    c.task.p = 23;
    c.task.operation = Operation::kAdd;
    c.seed = 7;
    c.model.depth = 2;
    c.model.dim = 32;
    c.model.heads = 2;
    c.model.pool = Pool::kMean;
    c.optimizer.learning_rate = 3e-3;
    c.loop.epochs = 12;
    c.loop.batch_size = 32;
    c.checkpoint_every = 4;
    c.threads = 1;
    c.quiet = true;
    c.save_dir = (*root_ / "run").string();
    c.finalize("train");
    c.validate();
    config_ = new TrainConfig(c);
    setup.config_yaml = "p: 23\n";
    ASSERT_EQ(run_training(setup, make_split(c.task)).exit_code, 0);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*root_, ec);
    delete root_;
    delete config_;
  }

  static fs::path run_dir() { return *root_ / "run"; }
  static fs::path checkpoint_dir() { return run_dir() / "checkpoints"; }

  static fs::path* root_;
  static TrainConfig* config_;
};
fs::path* TrainLoaderTest::root_ = nullptr;
TrainConfig* TrainLoaderTest::config_ = nullptr;

TEST_F(TrainLoaderTest, ReturnsTheRunsConfigTaskAndWeights) {
  const auto summary = read_json(run_dir() / "summary.json");
  const int64_t final_step = summary.at("steps").get<int64_t>();
  ASSERT_EQ(final_step, 12 * 9);  // ceil(264 / 32) = 9 steps per epoch
  const fs::path final_dir = checkpoint_dir() / step_dir_name(final_step);
  for (const fs::path& path : {run_dir(), checkpoint_dir(), final_dir,
                               fs::path(final_dir.string() + "/"), run_dir() / "."}) {
    SCOPED_TRACE(path.string());
    const LoadedModel loaded = load_model(path);
    EXPECT_EQ(loaded.config.depth, 2);
    EXPECT_EQ(loaded.config.dim, 32);
    EXPECT_EQ(loaded.config.heads, 2);
    EXPECT_EQ(loaded.config.vocab_size, 25);
    EXPECT_EQ(loaded.config.n_classes, 25);
    EXPECT_EQ(loaded.config.dropout, config_->model.dropout);
    EXPECT_EQ(loaded.config.pool, Pool::kMean);
    EXPECT_EQ(loaded.config.rope_base, config_->model.rope_base);
    EXPECT_EQ(loaded.task, config_->task);
    EXPECT_EQ(loaded.step, final_step);
    EXPECT_EQ(loaded.epoch, 12);
    EXPECT_EQ(fs::canonical(loaded.step_dir), fs::canonical(final_dir));
    EXPECT_EQ(loaded.metadata.at("optimizer").at("learning_rate"), 3e-3);
    EXPECT_EQ(loaded.layout.parameter_count(), summary.at("parameters").get<int64_t>());

    // Every tensor equals the file's bytes, read independently of the loader.
    const SafeTensorFile file = read_safetensors(final_dir / kModelFile);
    ASSERT_EQ(file.tensors.size(), loaded.layout.tensors().size());
    for (const auto& spec : loaded.layout.tensors()) {
      const SafeTensor& t = file.get(spec.name);
      ASSERT_EQ(t.dtype, DType::kF32) << spec.name;
      const std::vector<float> values = t.values<float>();
      ASSERT_EQ(values.size(), spec.size()) << spec.name;
      EXPECT_EQ(std::memcmp(values.data(), loaded.params.data() + spec.offset,
                            spec.size() * sizeof(float)),
                0)
          << spec.name;
    }
  }
}

TEST_F(TrainLoaderTest, LoadedWeightsReproduceTheValidationAccuracyExactly) {
  const auto summary = read_json(run_dir() / "summary.json");
  const auto history = read_json(run_dir() / "training_history.json");
  const LoadedModel loaded = load_model(run_dir());
  const Split split = make_split(loaded.task);
  ASSERT_EQ(split.val.size(), 529 - 264);
  const double acc = accuracy(loaded, split.val, 100);
  EXPECT_EQ(acc, summary.at("final_val_acc").get<double>());
  EXPECT_EQ(accuracy(loaded, split.val, 7), acc);  // chunking does not change a count
  // The earlier checkpoints reproduce their epoch's row of the history.
  for (const int epoch : {4, 8}) {
    const int64_t step = history.at("step").at(epoch - 1).get<int64_t>();
    const LoadedModel earlier = load_model(checkpoint_dir() / step_dir_name(step));
    EXPECT_EQ(earlier.epoch, epoch);
    EXPECT_EQ(accuracy(earlier, split.val, 100), history.at("val_acc").at(epoch - 1).get<double>())
        << "epoch " << epoch;
  }
  // The step directories hold different weights (the comparisons above are not vacuous).
  const LoadedModel early = load_model(checkpoint_dir() / step_dir_name(4 * 9));
  EXPECT_NE(
      std::memcmp(early.params.data(), loaded.params.data(), loaded.params.size() * sizeof(float)),
      0);
}

TEST_F(TrainLoaderTest, ErrorsNameThePathAndTheProblem) {
  const fs::path missing = *root_ / "no-such-run";
  try {
    load_model(missing);
    ADD_FAILURE() << "no error for a missing path";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), missing.string());
  }
  // A copy whose only checkpoint has a flipped byte in model.safetensors.
  const fs::path bad = *root_ / "bad";
  fs::create_directories(bad);
  const int64_t step = 12 * 9;
  fs::copy(checkpoint_dir() / step_dir_name(step), bad / step_dir_name(step));
  fs::copy_file(checkpoint_dir() / kMetadataFile, bad / kMetadataFile);
  const fs::path model_file = bad / step_dir_name(step) / kModelFile;
  std::string bytes = read_file(model_file);
  bytes[bytes.size() / 2] ^= 0x10;
  write_file_atomic(model_file, bytes);
  for (const fs::path& path : {bad, bad / step_dir_name(step)}) {
    try {
      load_model(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const Error& e) {
      EXPECT_CONTAINS(e.what(), model_file.string());
    }
  }
  // A step directory without the checkpoint directory's metadata.json.
  fs::remove(bad / kMetadataFile);
  fs::copy_file(checkpoint_dir() / step_dir_name(step) / kModelFile, model_file,
                fs::copy_options::overwrite_existing);
  try {
    load_model(bad / step_dir_name(step));
    ADD_FAILURE() << "no error without metadata.json";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), kMetadataFile);
  }
}

}  // namespace
}  // namespace grok
