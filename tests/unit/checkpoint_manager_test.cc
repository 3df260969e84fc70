// The checkpoint manager: save/discover/load round trips bit for bit, retention, corruption of
// each file detected and named with the previous checkpoint used instead, disk-full during a
// save leaving everything committed intact, leftovers of crashes cleaned up.
#include "grokking/checkpoint/checkpoint_manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "grokking/checkpoint/checkpoint_state.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/sha256.h"
#include "test_support.h"

namespace grok {
namespace {

using testing_support::error_of;

namespace fs = std::filesystem;

std::vector<std::string> entry_names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class CheckpointManagerTest : public ::testing::Test {
 protected:
  CheckpointManagerTest() {
    static int counter = 0;
    root_ = fs::temp_directory_path() /
            ("grok-ckpt-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    dir_ = root_ / "run" / "checkpoints";
    model_.add("embedding.embedding", {7, 5});
    model_.add("final_norm.scale", {5});
    params_.assign(model_.total_size(), 0.0f);
    mu_.assign(model_.total_size(), 0.0f);
    nu_.assign(model_.total_size(), 0.0f);
  }
  ~CheckpointManagerTest() override {
    set_write_failure_injection(std::nullopt);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Arena values that differ per step (and are not round numbers).
  void fill(int64_t step) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      params_[i] = static_cast<float>(step) / 3.0f + static_cast<float>(i) * 1e-3f;
      mu_[i] = -params_[i] / 7.0f;
      nu_[i] = params_[i] * params_[i];
    }
    count_ = static_cast<uint64_t>(step);
  }

  CheckpointWrite make_write(int64_t step, int64_t epoch) {
    fill(step);
    CheckpointWrite write;
    write.step = step;
    write.epoch = epoch;
    write.model = layout_views(model_, params_.data());
    write.optimizer = layout_views(model_, mu_.data(), "mu.");
    for (const auto& v : layout_views(model_, nu_.data(), "nu.")) write.optimizer.push_back(v);
    write.optimizer.push_back(make_view("count", {}, &count_));
    write.state = {{"rng", {{"seed", 42}, {"purpose_counters", {1, 2, 3}}}},
                   {"data_order", {{"epoch", epoch}, {"position", 0}}}};
    write.metadata = {{"config", {{"dim", 128}, {"depth", 2}}},
                      {"task", {{"p", 97}, {"operation", "x/y"}}},
                      {"optimizer", {{"type", "adamw"}, {"learning_rate", 1e-3}}},
                      {"seed", 42}};
    return write;
  }

  SaveResult save(CheckpointManager& manager, int64_t step, int64_t epoch) {
    return manager.save(make_write(step, epoch));
  }

  std::vector<int64_t> steps(const CheckpointManager& manager) const {
    std::vector<int64_t> out;
    for (const auto& e : manager.list_steps()) out.push_back(e.step);
    return out;
  }

  fs::path step_path(int64_t step) const { return dir_ / step_dir_name(step); }

  fs::path root_, dir_;
  TensorLayout model_;
  Buffer<float> params_, mu_, nu_;
  uint64_t count_ = 0;
};

TEST(StepDirName, FormatsAndParses) {
  EXPECT_EQ(step_dir_name(40), "step_00000040");
  EXPECT_EQ(step_dir_name(123456789), "step_123456789");
  EXPECT_EQ(parse_step_dir_name("step_00000040"), 40);
  EXPECT_EQ(parse_step_dir_name("step_123456789"), 123456789);
  EXPECT_EQ(parse_step_dir_name("step_0000040"), std::nullopt);  // 7 digits
  EXPECT_EQ(parse_step_dir_name("step_0000004x"), std::nullopt);
  EXPECT_EQ(parse_step_dir_name(".tmp-step_00000040-12"), std::nullopt);
  EXPECT_EQ(parse_step_dir_name("metadata.json"), std::nullopt);
}

TEST_F(CheckpointManagerTest, SaveFindLoadIsBitIdentical) {
  CheckpointManager manager(dir_);
  EXPECT_FALSE(manager.holds_checkpoints());
  EXPECT_EQ(manager.read_metadata(), std::nullopt);
  const SaveResult result = save(manager, 120, 3);
  EXPECT_EQ(result.path, step_path(120));
  EXPECT_TRUE(result.removed.empty());
  EXPECT_EQ(entry_names(dir_), (std::vector<std::string>{"metadata.json", "step_00000120"}));
  EXPECT_EQ(entry_names(step_path(120)),
            (std::vector<std::string>{"model.safetensors", "optimizer.safetensors", "state.json"}));
  EXPECT_TRUE(manager.holds_checkpoints());

  // state.json records each file's size and an independently computed SHA-256.
  const auto state_on_disk = read_json_file(step_path(120) / "state.json");
  for (const char* file : {"model.safetensors", "optimizer.safetensors"}) {
    EXPECT_EQ(state_on_disk["files"][file]["sha256"], sha256_file_hex(step_path(120) / file));
    EXPECT_EQ(state_on_disk["files"][file]["bytes"], fs::file_size(step_path(120) / file));
  }
  EXPECT_EQ(state_on_disk["step"], 120);
  EXPECT_EQ(state_on_disk["epoch"], 3);
  EXPECT_EQ(state_on_disk["format_version"], kCheckpointFormatVersion);

  const auto metadata = manager.read_metadata();
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ((*metadata)["latest_step"], 120);
  EXPECT_EQ((*metadata)["latest_epoch"], 3);
  EXPECT_EQ((*metadata)["format_version"], kCheckpointFormatVersion);
  EXPECT_EQ((*metadata)["config"]["dim"], 128);
  EXPECT_EQ((*metadata)["optimizer"]["type"], "adamw");

  const Buffer<float> params = params_, mu = mu_, nu = nu_;
  fill(999);  // clobber
  const LatestValid latest = manager.latest_valid();
  ASSERT_TRUE(latest.found.has_value());
  EXPECT_EQ(latest.found->step, 120);
  EXPECT_TRUE(latest.skipped.empty());
  const CheckpointContents loaded = load_checkpoint(latest.found->path);
  EXPECT_EQ(loaded.step, 120);
  EXPECT_EQ(loaded.epoch, 3);
  EXPECT_EQ(loaded.state["rng"]["purpose_counters"], nlohmann::json({1, 2, 3}));
  EXPECT_EQ(loaded.state["data_order"]["epoch"], 3);
  Buffer<float> p(model_.total_size(), 0.0f), m(model_.total_size()), n(model_.total_size());
  load_layout_exact(loaded.model, model_, p.data());
  load_layout(loaded.optimizer, model_, m.data(), "mu.");
  load_layout(loaded.optimizer, model_, n.data(), "nu.");
  for (const auto& spec : model_.tensors())
    for (std::size_t i = spec.offset; i < spec.offset + spec.size(); ++i) {
      EXPECT_EQ(std::memcmp(&p[i], &params[i], 4), 0);
      EXPECT_EQ(std::memcmp(&m[i], &mu[i], 4), 0);
      EXPECT_EQ(std::memcmp(&n[i], &nu[i], 4), 0);
    }
  EXPECT_EQ(loaded.optimizer.get("count").values<uint64_t>(), std::vector<uint64_t>{120});
}

TEST_F(CheckpointManagerTest, SavingTheSameStateTwiceGivesIdenticalFiles) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  const std::string first = read_file(step_path(10) / "model.safetensors");
  const std::string first_state = read_file(step_path(10) / "state.json");
  save(manager, 10, 1);  // re-save over an existing step (e.g. right after a resume)
  EXPECT_EQ(read_file(step_path(10) / "model.safetensors"), first);
  EXPECT_EQ(read_file(step_path(10) / "state.json"), first_state);
  EXPECT_EQ(entry_names(dir_), (std::vector<std::string>{"metadata.json", "step_00000010"}));
}

TEST_F(CheckpointManagerTest, ResavingAStepReplacesItAndDropsNewerAbandonedSteps) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  save(manager, 20, 2);
  save(manager, 30, 3);
  CheckpointWrite write = make_write(20, 2);
  params_[0] = 12345.0f;
  const SaveResult result = manager.save(write);
  EXPECT_EQ(result.removed, std::vector<fs::path>{step_path(30)});
  EXPECT_EQ(steps(manager), (std::vector<int64_t>{20, 10}));
  const auto loaded = load_checkpoint(step_path(20));
  EXPECT_EQ(loaded.model.get("embedding.embedding").values<float>()[0], 12345.0f);
  EXPECT_EQ((*manager.read_metadata())["latest_step"], 20);
  EXPECT_EQ(entry_names(dir_),
            (std::vector<std::string>{"metadata.json", "step_00000010", "step_00000020"}));
}

TEST_F(CheckpointManagerTest, RetentionKeepsNewestAndEveryKthEpoch) {
  CheckpointManager manager(dir_, RetentionPolicy{.keep = 2, .keep_every = 0});
  std::vector<fs::path> removed;
  for (int epoch = 1; epoch <= 6; ++epoch)
    for (const auto& path : save(manager, 10 * epoch, epoch).removed) removed.push_back(path);
  EXPECT_EQ(steps(manager), (std::vector<int64_t>{60, 50}));
  EXPECT_EQ(removed,
            (std::vector<fs::path>{step_path(10), step_path(20), step_path(30), step_path(40)}));

  fs::remove_all(dir_);
  CheckpointManager every3(dir_, RetentionPolicy{.keep = 2, .keep_every = 3});
  for (int epoch = 1; epoch <= 8; ++epoch) save(every3, 10 * epoch, epoch);
  EXPECT_EQ(steps(every3), (std::vector<int64_t>{80, 70, 60, 30}));

  // Checkpoints saved inside an epoch (a signal) record the epochs completed, 9 and 12 here
  // (multiples of 3), but are not epoch ends: keep_every drops them once they are not newest.
  CheckpointWrite inside = make_write(95, 9);
  inside.mid_epoch = true;
  every3.save(inside);
  inside = make_write(125, 12);
  inside.mid_epoch = true;
  every3.save(inside);
  save(every3, 130, 13);
  save(every3, 140, 14);
  EXPECT_EQ(steps(every3), (std::vector<int64_t>{140, 130, 60, 30}));
}

TEST_F(CheckpointManagerTest, RetentionNeverRemovesTheProtectedStep) {
  CheckpointManager manager(dir_, RetentionPolicy{.keep = 1});
  save(manager, 10, 1);
  manager.set_protected_step(10);
  for (int epoch = 2; epoch <= 4; ++epoch) save(manager, 10 * epoch, epoch);
  EXPECT_EQ(steps(manager), (std::vector<int64_t>{40, 10}));
  manager.set_protected_step(std::nullopt);
  save(manager, 50, 5);
  EXPECT_EQ(steps(manager), (std::vector<int64_t>{50}));
}

TEST_F(CheckpointManagerTest, RejectsInvalidPolicyAndReservedStateKeys) {
  EXPECT_CONTAINS(error_of([&] { CheckpointManager(dir_, RetentionPolicy{.keep = 0}); }),
                  "keep must be at least 1");
  EXPECT_CONTAINS(error_of([&] { CheckpointManager(dir_, {.keep = 3, .keep_every = -1}); }),
                  "keep_every");
  CheckpointManager manager(dir_);
  CheckpointWrite write = make_write(10, 1);
  write.state["step"] = 3;
  EXPECT_CONTAINS(error_of([&] { manager.save(write); }), "reserved key 'step'");
}

// Each way of damaging the newest checkpoint: it is skipped with a message naming the file and
// the problem, and the previous checkpoint is found instead.
struct Damage {
  std::string name;
  std::function<void(const fs::path& step_dir)> apply;
  std::string expected_problem;
};

void flip_byte(const fs::path& file, std::size_t offset_from_end, bool from_start = false) {
  std::string bytes = read_file(file);
  const std::size_t at = from_start ? offset_from_end : bytes.size() - 1 - offset_from_end;
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  write_file_atomic(file, bytes);
}

void truncate_by(const fs::path& file, std::size_t n) {
  const std::string bytes = read_file(file);
  write_file_atomic(file, bytes.substr(0, bytes.size() - n));
}

TEST_F(CheckpointManagerTest, CorruptNewestIsNamedAndSkipped) {
  const std::vector<Damage> damages = {
      {"truncated model", [](const fs::path& d) { truncate_by(d / "model.safetensors", 10); },
       "step_00000020/model.safetensors: truncated (expected"},
      {"bit flip in model data", [](const fs::path& d) { flip_byte(d / "model.safetensors", 0); },
       "step_00000020/model.safetensors: checksum mismatch (expected sha256"},
      {"bit flip in optimizer header",
       [](const fs::path& d) { flip_byte(d / "optimizer.safetensors", 9, true); },
       "step_00000020/optimizer.safetensors: header is not valid JSON"},
      {"bit flip in optimizer data",
       [](const fs::path& d) { flip_byte(d / "optimizer.safetensors", 3); },
       "step_00000020/optimizer.safetensors: checksum mismatch"},
      {"deleted model", [](const fs::path& d) { fs::remove(d / "model.safetensors"); },
       "step_00000020/model.safetensors: missing"},
      {"deleted state", [](const fs::path& d) { fs::remove(d / "state.json"); },
       "step_00000020/state.json: missing"},
      {"truncated state", [](const fs::path& d) { truncate_by(d / "state.json", 30); },
       "step_00000020/state.json: invalid JSON"},
      {"edited state (step value)",
       [](const fs::path& d) {
         auto state = read_json_file(d / "state.json");
         state["epoch"] = 7;  // still valid JSON, but not what was written
         write_json_file_atomic(d / "state.json", state);
       },
       "step_00000020/state.json: checksum mismatch (expected state_sha256"},
      {"newer format",
       [](const fs::path& d) {
         auto state = read_json_file(d / "state.json");
         state["format_version"] = kCheckpointFormatVersion + 1;
         seal_state(&state);
         write_json_file_atomic(d / "state.json", state);
       },
       "format_version 2 is not supported"},
      {"another step's content",
       [](const fs::path& d) {
         fs::remove_all(d);
         fs::copy(d.parent_path() / "step_00000010", d, fs::copy_options::recursive);
       },
       "step_00000020/state.json: step 10 does not match the directory name"},
  };
  for (const auto& damage : damages) {
    SCOPED_TRACE(damage.name);
    fs::remove_all(dir_);
    CheckpointManager manager(dir_);
    save(manager, 10, 1);
    save(manager, 20, 2);
    EXPECT_EQ(validate_checkpoint(step_path(20)), "");
    damage.apply(step_path(20));
    const std::string problem = validate_checkpoint(step_path(20));
    EXPECT_CONTAINS(problem, damage.expected_problem);
    EXPECT_CONTAINS(problem, dir_.string());  // the full path, to be reported as is
    const LatestValid latest = manager.latest_valid();
    ASSERT_TRUE(latest.found.has_value());
    EXPECT_EQ(latest.found->step, 10);
    ASSERT_EQ(latest.skipped.size(), 1u);
    EXPECT_EQ(latest.skipped[0].path, step_path(20));
    EXPECT_EQ(latest.skipped[0].problem, problem);
    EXPECT_CONTAINS(error_of([&] { load_checkpoint(step_path(20)); }),
                    "invalid checkpoint: " + problem);
    EXPECT_EQ(load_checkpoint(step_path(10)).step, 10);
  }
}

TEST_F(CheckpointManagerTest, NoValidCheckpointIsReported) {
  CheckpointManager manager(dir_);
  EXPECT_FALSE(manager.latest_valid().found.has_value());
  save(manager, 10, 1);
  fs::remove(step_path(10) / "optimizer.safetensors");
  const LatestValid latest = manager.latest_valid();
  EXPECT_FALSE(latest.found.has_value());
  ASSERT_EQ(latest.skipped.size(), 1u);
  EXPECT_CONTAINS(error_of([&] { resolve_checkpoint(dir_); }),
                  "no valid checkpoint; " + latest.skipped[0].problem);
  EXPECT_CONTAINS(error_of([&] { resolve_checkpoint(root_ / "nothing"); }), "not a directory");
}

// Disk full at every point of a save: the previous checkpoint and metadata.json stay intact,
// no temporary is left, and the error names what failed.
TEST_F(CheckpointManagerTest, DiskFullDuringSaveLeavesPreviousCheckpointIntact) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  const std::string metadata_before = read_file(dir_ / "metadata.json");
  const std::string model_before = read_file(step_path(10) / "model.safetensors");
  // Bytes one save writes: two tensor files, state.json and metadata.json.
  fs::path probe = root_ / "probe";
  CheckpointManager probe_manager(probe);
  save(probe_manager, 20, 2);
  const std::size_t step_bytes = fs::file_size(probe / "step_00000020" / "model.safetensors") +
                                 fs::file_size(probe / "step_00000020" / "optimizer.safetensors") +
                                 fs::file_size(probe / "step_00000020" / "state.json");
  const std::size_t total = step_bytes + fs::file_size(probe / "metadata.json");
  int failures_before_commit = 0, failures_in_metadata = 0;
  for (std::size_t budget = 0; budget < total; budget += std::max<std::size_t>(1, total / 37)) {
    SCOPED_TRACE(budget);
    set_write_failure_injection(static_cast<int64_t>(budget));
    const std::string message = error_of([&] { save(manager, 20, 2); });
    set_write_failure_injection(std::nullopt);
    EXPECT_CONTAINS(message, "No space left on device");
    EXPECT_EQ(read_file(dir_ / "metadata.json"), metadata_before);
    EXPECT_EQ(read_file(step_path(10) / "model.safetensors"), model_before);
    EXPECT_EQ(validate_checkpoint(step_path(10)), "");
    if (budget < step_bytes) {
      ++failures_before_commit;
      EXPECT_CONTAINS(message, "cannot write checkpoint step_00000020 in " + dir_.string());
      EXPECT_EQ(entry_names(dir_), (std::vector<std::string>{"metadata.json", "step_00000010"}));
      EXPECT_EQ(manager.latest_valid().found->step, 10);
    } else {
      ++failures_in_metadata;  // the step is committed and complete; metadata.json is the old one
      EXPECT_CONTAINS(message, "was written but metadata.json could not be updated");
      EXPECT_EQ(validate_checkpoint(step_path(20)), "");
      EXPECT_EQ(entry_names(dir_),
                (std::vector<std::string>{"metadata.json", "step_00000010", "step_00000020"}));
      fs::remove_all(step_path(20));
    }
  }
  EXPECT_GT(failures_before_commit, 30);
  EXPECT_GE(failures_in_metadata, 1);
  set_write_failure_injection(static_cast<int64_t>(total));  // exactly enough
  save(manager, 20, 2);
  set_write_failure_injection(std::nullopt);
  EXPECT_EQ(manager.latest_valid().found->step, 20);
}

TEST_F(CheckpointManagerTest, CleansLeftoverTemporariesAndRestoresAnInterruptedReplacement) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  save(manager, 40, 4);
  // A crash in the middle of writing step 50, a metadata.json temporary, and a crash while
  // replacing step 40 without RENAME_EXCHANGE (old one moved aside, new one not yet in place).
  fs::create_directories(dir_ / ".tmp-step_00000050-4242");
  write_file_atomic(dir_ / ".tmp-step_00000050-4242" / "model.safetensors", "partial");
  write_file_atomic(dir_ / ".tmp-metadata.json-4242-0", "{");
  fs::rename(step_path(40), dir_ / ".tmp-old-step_00000040-4242");
  EXPECT_FALSE(manager.latest_valid().found->step == 40);

  const auto cleaned = manager.clean_temporaries();
  EXPECT_EQ(cleaned, (std::vector<fs::path>{dir_ / ".tmp-metadata.json-4242-0",
                                            dir_ / ".tmp-old-step_00000040-4242",
                                            dir_ / ".tmp-step_00000050-4242"}));
  EXPECT_EQ(entry_names(dir_),
            (std::vector<std::string>{"metadata.json", "step_00000010", "step_00000040"}));
  EXPECT_EQ(manager.latest_valid().found->step, 40);
  EXPECT_TRUE(manager.clean_temporaries().empty());

  // A moved-aside directory whose replacement did arrive is just removed.
  fs::copy(step_path(40), dir_ / ".tmp-old-step_00000040-1", fs::copy_options::recursive);
  EXPECT_EQ(manager.clean_temporaries(), std::vector<fs::path>{dir_ / ".tmp-old-step_00000040-1"});
  EXPECT_EQ(entry_names(dir_),
            (std::vector<std::string>{"metadata.json", "step_00000010", "step_00000040"}));
}

TEST_F(CheckpointManagerTest, ClearRemovesOnlyCheckpointFiles) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  save(manager, 20, 2);
  fs::create_directories(dir_ / ".tmp-step_00000030-1");
  write_file_atomic(dir_ / "notes.txt", "mine");
  EXPECT_EQ(manager.clear().size(), 4u);
  EXPECT_EQ(entry_names(dir_), std::vector<std::string>{"notes.txt"});
  EXPECT_FALSE(manager.holds_checkpoints());
}

TEST_F(CheckpointManagerTest, ResolvesRunCheckpointAndStepDirectories) {
  CheckpointManager manager(dir_);
  save(manager, 10, 1);
  save(manager, 20, 2);
  flip_byte(step_path(20) / "model.safetensors", 0);
  const auto from_run = resolve_checkpoint(root_ / "run");
  EXPECT_EQ(from_run.checkpoint_dir, dir_);
  EXPECT_EQ(from_run.step_dir, step_path(10));
  ASSERT_EQ(from_run.skipped.size(), 1u);
  EXPECT_CONTAINS(from_run.skipped[0].problem, "checksum mismatch");
  EXPECT_EQ(resolve_checkpoint(dir_).step_dir, step_path(10));
  const auto from_step = resolve_checkpoint(step_path(20));
  EXPECT_EQ(from_step.step_dir, step_path(20));  // explicit: loading it reports the problem
  EXPECT_EQ(from_step.checkpoint_dir, dir_);
}

}  // namespace
}  // namespace grok
