// Self-describing checkpoints: metadata.json's config section is the reference's
// TransformerConfig (optional keys only when not their default), the loader and the resume
// check default absent keys the same way (a checkpoint without them, as the reference writes,
// loads and resumes; one written before they became optional still resumes), the schedule
// section records epochs and the lr schedule without binding a resume, and model.safetensors
// carries the config and task in its __metadata__.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/atomic_file.h"
#include "grokking/data/dataset.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/trainer.h"
#include "test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ModelConfigJson, IsTheReferenceTransformerConfigForDefaultModels) {
  ModelConfig m;
  const json c = model_config_json(m);
  EXPECT_EQ(c, json::parse(R"({"depth": 2, "dim": 128, "heads": 1, "n_tokens": 99,
                               "seq_len": 4, "dropout": 0.2, "pool": "cls"})"));
  EXPECT_EQ(model_config_from_metadata({{"config", c}}, "m"), m);
}

TEST(ModelConfigJson, NonDefaultOptionalKeysAreWrittenAndRead) {
  ModelConfig m;
  m.n_classes = 97;
  m.rope_base = 1e4;
  const json c = model_config_json(m);
  EXPECT_EQ(c.at("n_classes"), 97);
  EXPECT_EQ(c.at("rope_base"), 1e4);
  EXPECT_EQ(model_config_from_metadata({{"config", c}}, "m"), m);
}

TEST(ModelConfigJson, DefaultsFillOnlyWhatIsAbsent) {
  const json bare = {{"n_tokens", 9}, {"depth", 1}};
  EXPECT_EQ(
      model_config_with_defaults(bare),
      json({{"n_tokens", 9}, {"depth", 1}, {"n_classes", 9}, {"seq_len", 4}, {"rope_base", 1e6}}));
  const json explicit_keys = {
      {"n_tokens", 9}, {"n_classes", 7}, {"seq_len", 4}, {"rope_base", 2.0}};
  EXPECT_EQ(model_config_with_defaults(explicit_keys), explicit_keys);
}

class TrainMetadataTest : public ::testing::Test {
 protected:
  TrainMetadataTest()
      : root_(fs::temp_directory_path() / ("grok-metadata-test-" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
  }
  ~TrainMetadataTest() override { fs::remove_all(root_); }

  TrainConfig config(int epochs, bool resume) const {
    TrainConfig c;
    c.task.p = 11;
    c.task.operation = Operation::kAdd;
    c.model.depth = 1;
    c.model.dim = 16;
    c.loop.epochs = epochs;
    c.loop.batch_size = 32;
    c.checkpoint_every = 1;
    c.threads = 1;
    c.quiet = true;
    c.tensorboard = false;
    c.resume = resume;
    c.save_dir = (root_ / "run").string();
    c.finalize("train");
    c.validate();
    return c;
  }
  void train(int epochs, bool resume) {
    TrainerSetup setup;
    setup.config = config(epochs, resume);
    setup.config_yaml = "p: 11\n";
    ASSERT_EQ(run_training(setup, make_split(setup.config.task)).exit_code, 0);
  }
  // As after a kill during the last epoch: its checkpoint and the summary are gone, so the
  // next resume trains that epoch again from the one before.
  void rewind() const {
    const auto steps = CheckpointManager(root_ / "run" / "checkpoints").list_steps();
    ASSERT_GE(steps.size(), 2u);
    fs::remove_all(steps.front().path);
    fs::remove(root_ / "run" / "summary.json");
    json m = metadata();
    m["latest_epoch"] = 0;  // proves the resumed run rewrote it
    write_file_atomic(metadata_path(), m.dump(2));
  }
  fs::path metadata_path() const { return root_ / "run" / "checkpoints" / "metadata.json"; }
  json metadata() const { return json::parse(read_file(metadata_path())); }
  void edit_config(const std::function<void(json&)>& edit) const {
    json m = metadata();
    edit(m["config"]);
    write_file_atomic(metadata_path(), m.dump(2));
  }
  fs::path root_;
};

TEST_F(TrainMetadataTest, MetadataRecordsScheduleAndTheTensorFileDescribesItself) {
  train(2, false);
  const json m = metadata();
  EXPECT_FALSE(m["config"].contains("n_classes"));
  EXPECT_FALSE(m["config"].contains("rope_base"));
  EXPECT_EQ(m["schedule"], json::parse(R"({"epochs": 2, "max_steps": 0, "lr": {
      "kind": "linear_warmup_then_constant", "init_value": 0.0, "peak_value": 0.001,
      "warmup_steps": 10}})"));
  const LoadedModel loaded = load_model(root_ / "run");
  const SafeTensorFile file = read_safetensors(loaded.step_dir / kModelFile);
  EXPECT_EQ(json::parse(file.metadata.at("config")), m["config"]);
  EXPECT_EQ(json::parse(file.metadata.at("task")), m["task"]);
  EXPECT_EQ(json::parse(file.metadata.at("task")),
            json::parse(R"({"p": 11, "operation": "+", "train_fraction": 0.5, "split_seed": 42})"));
  EXPECT_EQ(file.metadata.at("producer"), "grokking.cpp");
}

TEST_F(TrainMetadataTest, TheScheduleDoesNotBindAResume) {
  train(3, false);
  rewind();
  json m = metadata();
  m["schedule"]["epochs"] = 150;  // as planned by another command line
  m["schedule"]["lr"]["peak_value"] = 1.0;
  write_file_atomic(metadata_path(), m.dump(2));
  train(3, true);
  EXPECT_EQ(metadata()["schedule"]["epochs"], 3);
  EXPECT_EQ(metadata()["latest_epoch"], 3);
  rewind();
  m = metadata();
  m.erase("schedule");  // as written before the section existed
  write_file_atomic(metadata_path(), m.dump(2));
  train(3, true);
  EXPECT_EQ(metadata()["latest_epoch"], 3);
}

TEST_F(TrainMetadataTest, CheckpointsWithOrWithoutOptionalKeysLoadAndResume) {
  train(3, false);
  rewind();
  // As written before the keys became optional: explicit defaults.
  edit_config([](json& c) {
    c["n_classes"] = 13;
    c["rope_base"] = 1e6;
  });
  EXPECT_EQ(load_model(root_ / "run").config.n_classes, 13);
  train(3, true);
  EXPECT_EQ(metadata()["latest_epoch"], 3);
  rewind();
  // As the reference writes it: no optional key at all.
  edit_config([](json& c) {
    c.erase("n_classes");
    c.erase("rope_base");
    c.erase("seq_len");
  });
  EXPECT_EQ(load_model(root_ / "run").config, config(3, true).model);
  train(3, true);
  EXPECT_EQ(metadata()["latest_epoch"], 3);
}

TEST_F(TrainMetadataTest, ANonDefaultOptionalKeyStillBlocksResume) {
  train(2, false);
  edit_config([](json& c) { c["rope_base"] = 1e4; });
  TrainerSetup setup;
  setup.config = config(3, true);
  EXPECT_CONTAINS(
      testing_support::error_of([&] { run_training(setup, make_split(setup.config.task)); }),
      "config.rope_base: 10000.0 vs 1000000.0");
}

}  // namespace
}  // namespace grok
