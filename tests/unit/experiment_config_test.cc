// Experiment options (CONTRACT.md "Experiment flags"): defaults, flags and YAML keys from one
// declaration, and validation errors that name the key.
#include "grokking/experiment/experiment_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grokking/core/error.h"

namespace grok {
namespace {

bool parse(OptionSet& options, std::vector<const char*> args) {
  args.insert(args.begin(), "experiment");
  return options.parse(static_cast<int>(args.size()), args.data());
}

std::string validation_error(const ExperimentConfig& config) {
  try {
    config.validate();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

ExperimentConfig valid() {
  ExperimentConfig c;
  c.out = "runs/x";
  return c;
}

TEST(ExperimentConfig, Defaults) {
  const ExperimentConfig c;
  EXPECT_EQ(c.teacher_scale, 1.0);
  EXPECT_EQ(c.student_scales, std::vector<double>{0.5});
  EXPECT_EQ(c.strategies, (std::vector<std::string>{"logit", "attention", "feature"}));
  EXPECT_EQ(c.grokking_threshold, 0.99);
  EXPECT_FALSE(c.recursive);
  EXPECT_EQ(c.recursive_factor, 0.5);
  EXPECT_EQ(c.max_recursive_rounds, 2);
  EXPECT_EQ(c.repeats, 1);
  EXPECT_FALSE(c.no_control);
  EXPECT_EQ(c.base.dim, 128);
  EXPECT_EQ(c.base.depth, 2);
  EXPECT_EQ(c.base.heads, 1);
  EXPECT_EQ(c.base.dropout, 0.2);
  EXPECT_EQ(c.base.pool, Pool::kCls);
  EXPECT_EQ(c.task.p, 97);
  EXPECT_EQ(c.seed, 42u);
  for (const PhaseConfig* phase : {&c.teacher, &c.distill}) {
    EXPECT_EQ(phase->loop.epochs, 150);
    EXPECT_EQ(phase->loop.batch_size, 512);
    EXPECT_EQ(phase->optimizer.learning_rate, 1e-3);
    EXPECT_EQ(phase->optimizer.weight_decay, 1.0);
    EXPECT_EQ(phase->optimizer.beta1, 0.9);
    EXPECT_EQ(phase->optimizer.beta2, 0.98);
  }
  EXPECT_EQ(c.teacher.optimizer.warmup_steps, 10);
  EXPECT_EQ(c.distill.optimizer.warmup_steps, 0);
  EXPECT_EQ(c.distill_settings.alpha, 0.5);
  EXPECT_EQ(c.distill_settings.param("temperature"), 2.0);
  EXPECT_EQ(validation_error(valid()), "");
}

TEST(ExperimentConfig, FlagsAndKebabCase) {
  ExperimentConfig c;
  OptionSet options("experiment", "test");
  declare_options(options, c);
  ASSERT_TRUE(parse(options, {"--output_dir",
                              "runs/e",
                              "--student-scales",
                              "0.5,0.25",
                              "--strategies",
                              "logit,combined",
                              "--recursive",
                              "--repeats",
                              "3",
                              "--no_control",
                              "--teacher_epochs",
                              "10",
                              "--distill_learning_rate",
                              "5e-4",
                              "--distill_alpha",
                              "0.3",
                              "--base_dim",
                              "64",
                              "--pool",
                              "mean",
                              "--teacher_scale",
                              "2",
                              "--p",
                              "13",
                              "--operation",
                              "+",
                              "--jobs",
                              "2",
                              "--grok_min_delay",
                              "5",
                              "--distill_warmup_steps",
                              "3"}));
  EXPECT_EQ(c.out, "runs/e");
  EXPECT_EQ(c.student_scales, (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(c.strategies, (std::vector<std::string>{"logit", "combined"}));
  EXPECT_TRUE(c.recursive);
  EXPECT_EQ(c.repeats, 3);
  EXPECT_TRUE(c.no_control);
  EXPECT_EQ(c.teacher.loop.epochs, 10);
  EXPECT_EQ(c.distill.loop.epochs, 150);
  EXPECT_EQ(c.distill.optimizer.learning_rate, 5e-4);
  EXPECT_EQ(c.teacher.optimizer.learning_rate, 1e-3);
  EXPECT_EQ(c.distill_settings.alpha, 0.3);
  EXPECT_EQ(c.base.dim, 64);
  EXPECT_EQ(c.base.pool, Pool::kMean);
  EXPECT_EQ(c.teacher_scale, 2.0);
  EXPECT_EQ(c.task.p, 13);
  EXPECT_EQ(c.task.operation, Operation::kAdd);
  EXPECT_EQ(c.jobs, 2);
  EXPECT_EQ(c.grok_min_delay, 5);
  EXPECT_EQ(c.distill.optimizer.warmup_steps, 3);
  EXPECT_EQ(validation_error(c), "");
}

TEST(ExperimentConfig, YamlRoundTrip) {
  ExperimentConfig c;
  OptionSet options("experiment", "test");
  declare_options(options, c);
  options.apply_yaml_text(
      "student_scales: [0.5, 0.25]\nstrategies: [feature]\nrecursive: true\n"
      "recursive_factor: 0.75\nteacher_depth_scale: 1.5\ndistill_temperature: 4\n",
      "test.yaml");
  EXPECT_EQ(c.student_scales, (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(c.strategies, std::vector<std::string>{"feature"});
  EXPECT_EQ(c.recursive_factor, 0.75);
  EXPECT_EQ(c.teacher_depth_scale, 1.5);
  EXPECT_EQ(c.distill_settings.param("temperature"), 4.0);
  // The saved config re-loads into the same values (out and jobs are not saved).
  c.out = "not saved";
  const std::string yaml = options.to_yaml();
  EXPECT_EQ(yaml.find("not saved"), std::string::npos);
  ExperimentConfig d;
  OptionSet reload("experiment", "test");
  declare_options(reload, d);
  reload.apply_yaml_text(yaml, "saved.yaml");
  EXPECT_EQ(d.student_scales, c.student_scales);
  EXPECT_EQ(d.strategies, c.strategies);
  EXPECT_TRUE(d.recursive);
  EXPECT_EQ(d.recursive_factor, 0.75);
  EXPECT_EQ(d.teacher, c.teacher);
  EXPECT_EQ(d.distill, c.distill);
  EXPECT_EQ(d.distill_settings.param("temperature"), 4.0);
  EXPECT_TRUE(d.out.empty());
}

TEST(ExperimentConfig, UnknownFlagIsAnError) {
  ExperimentConfig c;
  OptionSet options("experiment", "test");
  declare_options(options, c);
  EXPECT_THROW(parse(options, {"--student_scale", "0.5"}), UsageError);
}

struct BadCase {
  void (*mutate)(ExperimentConfig&);
  const char* key;
};

TEST(ExperimentConfig, ValidationNamesTheKey) {
  const std::vector<BadCase> cases = {
      {[](ExperimentConfig& c) { c.out.clear(); }, "out"},
      {[](ExperimentConfig& c) { c.teacher_scale = 0; }, "teacher_scale"},
      {[](ExperimentConfig& c) { c.teacher_depth_scale = -1; }, "teacher_depth_scale"},
      {[](ExperimentConfig& c) {
         c.teacher_checkpoint = "runs/t";
         c.teacher_scale = 2;
       },
       "teacher_scale"},
      {[](ExperimentConfig& c) { c.student_scales.clear(); }, "student_scales"},
      {[](ExperimentConfig& c) {
         c.student_scales = {0.5, NAN};
       },
       "student_scales"},
      {[](ExperimentConfig& c) {
         c.student_scales = {0.5, 0.25, 0.5};
       },
       "student_scales"},
      {[](ExperimentConfig& c) { c.student_depth_scale = 0; }, "student_depth_scale"},
      {[](ExperimentConfig& c) { c.strategies = {"logits"}; }, "strategies"},
      {[](ExperimentConfig& c) {
         c.strategies = {"logit", "logit"};
       },
       "strategies"},
      {[](ExperimentConfig& c) { c.strategies.clear(); }, "strategies"},
      {[](ExperimentConfig& c) { c.grokking_threshold = 1.5; }, "grokking_threshold"},
      {[](ExperimentConfig& c) { c.recursive_factor = 0; }, "recursive_factor"},
      {[](ExperimentConfig& c) { c.max_recursive_rounds = 0; }, "max_recursive_rounds"},
      {[](ExperimentConfig& c) { c.repeats = 0; }, "repeats"},
      {[](ExperimentConfig& c) {
         c.seed = 4294967295u;
         c.repeats = 2;
       },
       "repeats"},
      {[](ExperimentConfig& c) { c.jobs = -1; }, "jobs"},
      {[](ExperimentConfig& c) { c.grok_min_delay = -1; }, "grok_min_delay"},
      {[](ExperimentConfig& c) { c.grok_tolerance = 2; }, "grok_tolerance"},
      {[](ExperimentConfig& c) { c.task.p = 1; }, "p"},
      {[](ExperimentConfig& c) { c.base.dim = 0; }, "base_dim"},
      {[](ExperimentConfig& c) { c.base.depth = 0; }, "base_depth"},
      {[](ExperimentConfig& c) { c.base.dropout = 1.0; }, "dropout"},
      {[](ExperimentConfig& c) { c.base.heads = 3; }, "heads"},
      {[](ExperimentConfig& c) { c.base.heads = 128; }, "heads"},
      {[](ExperimentConfig& c) { c.teacher.loop.epochs = 0; }, "teacher_epochs"},
      {[](ExperimentConfig& c) { c.distill.loop.batch_size = 0; }, "distill_batch_size"},
      {[](ExperimentConfig& c) { c.distill.optimizer.learning_rate = 0; }, "distill_learning_rate"},
      {[](ExperimentConfig& c) { c.teacher.optimizer.weight_decay = -1; }, "teacher_weight_decay"},
      {[](ExperimentConfig& c) { c.teacher.optimizer.beta2 = 1; }, "teacher_beta2"},
      {[](ExperimentConfig& c) { c.distill.optimizer.warmup_steps = -1; }, "distill_warmup_steps"},
      {[](ExperimentConfig& c) { c.distill_settings.alpha = 2; }, "distill_alpha"},
      {[](ExperimentConfig& c) { c.distill_settings.param("temperature") = 0; },
       "distill_temperature"},
      {[](ExperimentConfig& c) { c.distill_settings.param("feature_weight") = -1; },
       "distill_feature_weight"},
  };
  for (const BadCase& bad : cases) {
    ExperimentConfig c = valid();
    bad.mutate(c);
    const std::string message = validation_error(c);
    EXPECT_EQ(message.rfind(std::string(bad.key) + ":", 0), 0u)
        << "expected an error naming " << bad.key << ", got: " << message;
  }
  // A teacher checkpoint with the default scales is fine.
  ExperimentConfig c = valid();
  c.teacher_checkpoint = "runs/t";
  EXPECT_EQ(validation_error(c), "");
}

}  // namespace
}  // namespace grok
