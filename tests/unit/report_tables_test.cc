// The report's view of an experiment directory and its tables: a hand-written manifest,
// plan and statistics.json read back into trials (labels, configurations, repeats, run
// directories) and turned into the trials, configurations and comparisons tables with the
// expected cells (percentages, missing values, means of wall time).
#include "grokking/report/report_tables.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "grokking/core/atomic_file.h"
#include "grokking/report/experiment_data.h"
#include "grokking/report/mechanistic_report.h"
#include "test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;

class ReportTables : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("grok-report-tables-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "s43" / "teacher");
    write_file_atomic(dir_ / "manifest.json", R"({
      "format_version": 1, "grok_detection": {"threshold": 0.99, "window": 10},
      "trials": [
        {"id": "s42/teacher", "kind": "teacher", "strategy": null, "round": 0, "seed": 42,
         "overall_scale": 1.0, "student_config": {"dim": 32, "depth": 2},
         "optimizer": {"epochs": 200}, "params": 1000, "val_acc": 0.99875,
         "best_val_acc": 1.0, "epoch_to_99": 95, "grokked": true, "wall_s": 20.25,
         "status": "completed", "run_dir": "/nonexistent/s42/teacher"},
        {"id": "s43/teacher", "kind": "teacher", "strategy": null, "round": 0, "seed": 43,
         "overall_scale": 1.0, "student_config": {"dim": 32, "depth": 2},
         "optimizer": {"epochs": 200}, "params": 1000, "val_acc": 0.5, "best_val_acc": 0.6,
         "epoch_to_99": null, "grokked": false, "wall_s": 10.25, "status": "completed",
         "run_dir": ")" + (dir_ / "s43" / "teacher").string() +
                                                  R"("},
        {"id": "s42/student-0.5-logit-r1", "kind": "student", "strategy": "logit", "round": 1,
         "seed": 42, "overall_scale": 0.25, "student_config": {"dim": 8, "depth": 2},
         "optimizer": {"epochs": 150}, "params": 300, "val_acc": null, "status": "failed"},
        {"id": "s42/scratch-d16-l2", "kind": "scratch", "strategy": null, "round": 0,
         "seed": 42, "overall_scale": 0.5, "student_config": {"dim": 16, "depth": 2},
         "status": "queued"}
      ]})");
    write_file_atomic(dir_ / "plan.json", R"([
      {"id": "s42/teacher", "repeat": 0, "task": {"p": 59, "operation": "/",
       "train_fraction": 0.5, "seed": 42}},
      {"id": "s43/teacher", "repeat": 1}])");
    write_file_atomic(dir_ / "statistics.json", R"({
      "configurations": [
        {"configuration": "teacher d32 l2", "completed": 2, "planned": 2,
         "final_val_acc": {"n": 2, "mean": 0.749375, "sd": 0.35267, "ci95": [0.5, 0.99875]},
         "epoch_to_99": {"runs": 2, "censored": 1,
                         "reached": {"n": 1, "mean": 95, "sd": null, "ci95": [95, 95]}},
         "grokking_delay": {"runs": 2, "censored": 1,
                            "reached": {"n": 1, "mean": 41, "sd": null, "ci95": [null, null]}},
         "generalised": {"count": 1, "n": 2, "fraction": 0.5, "wilson95": [0.0945, 0.9055]},
         "grokked": {"count": 1, "n": 2, "fraction": 0.5, "wilson95": [0.0945, 0.9055]}}],
      "comparisons": {
        "final_val_acc": [{"a": "student logit r1 d8 l2", "b": "scratch d16 l2",
          "kind": "vs_control", "paired_seeds": 2,
          "difference": {"mean": 0.0125, "sd": 0.01, "ci95": [-0.005, 0.03], "n": 2},
          "paired_t": {"n": 2, "t": 1.25, "df": 1, "p": 0.43},
          "wilcoxon": {"n": 2, "nonzero": 2, "statistic": 0, "p": 0.5, "exact": true},
          "welch": {"t": 1.5, "p": 0.27, "df": 1.8}, "p_holm": 0.54, "hedges_g": 0.8}],
        "epoch_to_99": [{"a": "x", "b": "y", "kind": "between_strategies", "paired_seeds": 0,
          "difference": {"mean": null, "sd": null, "ci95": [null, null], "n": 0},
          "welch": {"t": null, "p": null, "df": null}, "p_holm": null, "hedges_g": null}]}})");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ReportTables, ReadsTheExperiment) {
  const ExperimentData data = read_experiment(dir_);
  ASSERT_EQ(data.trials.size(), 4u);
  EXPECT_EQ(data.completed(), 2);
  EXPECT_EQ(data.window, 10);
  EXPECT_EQ(data.task["p"], 59);
  const ReportTrial& t = data.trials[0];
  EXPECT_EQ(t.configuration, "teacher d32 l2");
  EXPECT_EQ(t.label, "teacher");
  EXPECT_EQ(t.colour_key, "teacher");
  EXPECT_EQ(t.epoch_budget, 200);
  // The manifest's run_dir does not exist: the trial's directory under the experiment.
  EXPECT_EQ(t.run_dir, dir_ / "s42/teacher");
  EXPECT_EQ(data.trials[1].run_dir, dir_ / "s43" / "teacher");
  EXPECT_EQ(data.trials[1].repeat, 1);
  const ReportTrial& s = data.trials[2];
  EXPECT_EQ(s.configuration, "student logit r1 d8 l2");
  EXPECT_EQ(s.label, "logit 0.25× r1");
  EXPECT_EQ(s.colour_key, "logit");
  EXPECT_EQ(s.repeat, 0);  // not in plan.json: the rank of seed 42
  EXPECT_EQ(data.trials[3].label, "scratch 0.5×");
  EXPECT_EQ(
      data.configurations(),
      (std::vector<std::string>{"teacher d32 l2", "student logit r1 d8 l2", "scratch d16 l2"}));
  EXPECT_EQ(data.trials_of("teacher d32 l2").size(), 2u);
  // The mechanistic section analyses the repeat-0 teacher and the completed repeat-0 others.
  const auto models = mechanistic_models(data);
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0]->id, "s42/teacher");
}

TEST_F(ReportTables, TrialsTable) {
  const Table t = trials_table(read_experiment(dir_));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0],
            (std::vector<std::string>{"s42/teacher", "teacher", "", "1", "0", "42", "1000", "99.88",
                                      "100.00", "95", "yes", "20.2", "completed"}));
  EXPECT_EQ(t.rows[1][7], "50.00");
  EXPECT_EQ(t.rows[1][9], "");  // never reached 99 %
  EXPECT_EQ(t.rows[1][10], "no");
  EXPECT_EQ(t.rows[2],
            (std::vector<std::string>{"s42/student-0.5-logit-r1", "student", "logit", "0.25", "1",
                                      "42", "300", "", "", "", "", "", "failed"}));
  EXPECT_CONTAINS(to_csv(t), "s42/student-0.5-logit-r1,student,logit,0.25,1,42,300,,,,,,failed\n");
}

TEST_F(ReportTables, ConfigurationsTable) {
  const auto t = configurations_table(read_experiment(dir_));
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0],
            (std::vector<std::string>{"teacher d32 l2", "1000", "2/2", "74.94", "35.27", "50.00",
                                      "99.88", "95.0", "", "1/2", "41.0", "1/2", "1/2", "0.09",
                                      "0.91", "15.2"}));  // wall time: mean of 20.25 and 10.25
}

TEST_F(ReportTables, ComparisonsTable) {
  const auto t = comparisons_table(read_experiment(dir_));
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0],
            (std::vector<std::string>{"final val acc (pp)", "student logit r1 d8 l2",
                                      "scratch d16 l2", "vs control", "2", "1.25", "-0.50", "3.00",
                                      "1.25", "0.4300", "0.5000", "0.5400", "0.80"}));
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"epochs to 99 %", "x", "y", "between strategies",
                                                  "0", "", "", "", "", "", "", "", ""}));
}

TEST_F(ReportTables, WithoutStatistics) {
  fs::remove(dir_ / "statistics.json");
  const ExperimentData data = read_experiment(dir_);
  EXPECT_FALSE(configurations_table(data));
  EXPECT_FALSE(comparisons_table(data));
  EXPECT_EQ(trials_table(data).rows.size(), 4u);
}

TEST_F(ReportTables, MissingOrBadManifest) {
  EXPECT_CONTAINS(error_of([&] { read_experiment(dir_ / "nowhere"); }), "no manifest.json");
  write_file_atomic(dir_ / "manifest.json", R"({"trials": [{"id": "x"}]})");
  EXPECT_CONTAINS(error_of([&] { read_experiment(dir_); }), "manifest.json: trial");
}

TEST(ReportTableNumbers, FormatsAndMissing) {
  EXPECT_EQ(table_number(0.998751, 2, 100), "99.88");
  EXPECT_EQ(table_number(nullptr, 2), "");
  EXPECT_EQ(table_number("text", 2), "");
  EXPECT_EQ(table_number(3, 1), "3.0");
}

}  // namespace
}  // namespace grok
