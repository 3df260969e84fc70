// Plan expansion (REFERENCE.md §6): grow, shrink, sweep, recursion, repeats, controls, the
// width rule, the recursion stop rule, and plan comparison on re-runs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/experiment/plan.h"

namespace grok {
namespace {

ExperimentConfig config() {
  ExperimentConfig c;
  c.out = "runs/test";
  return c;
}

std::vector<std::string> ids(const std::vector<Trial>& trials) {
  std::vector<std::string> out;
  for (const Trial& t : trials) out.push_back(t.id);
  return out;
}

const Trial& find(const std::vector<Trial>& trials, const std::string& id) {
  const auto it =
      std::find_if(trials.begin(), trials.end(), [&](const Trial& t) { return t.id == id; });
  if (it == trials.end()) throw std::runtime_error("no trial " + id);
  return *it;
}

int count(const std::vector<Trial>& trials, TrialKind kind) {
  return static_cast<int>(
      std::count_if(trials.begin(), trials.end(), [&](const Trial& t) { return t.kind == kind; }));
}

std::string usage_error(const ExperimentConfig& c) {
  try {
    plan_trials(c);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Plan, PaperStudy) {
  const std::vector<Trial> trials = plan_trials(config());
  EXPECT_EQ(ids(trials),
            (std::vector<std::string>{"s42/teacher", "s42/student-0.5-logit-r0",
                                      "s42/student-0.5-attention-r0", "s42/student-0.5-feature-r0",
                                      "s42/scratch-d64-l2"}));
  const Trial& teacher = trials[0];
  EXPECT_EQ(teacher.kind, TrialKind::kTeacher);
  EXPECT_EQ(teacher.model.dim, 128);
  EXPECT_EQ(teacher.model.depth, 2);
  EXPECT_EQ(teacher.model.vocab_size, 99);
  EXPECT_EQ(teacher.model.n_classes, 99);
  EXPECT_EQ(teacher.overall_scale, 1.0);
  EXPECT_TRUE(teacher.checkpoint.empty());
  EXPECT_TRUE(teacher.depends_on.empty());
  EXPECT_EQ(teacher.phase.optimizer.warmup_steps, 10);
  EXPECT_EQ(teacher.seed, 42u);
  EXPECT_EQ(teacher.task.split_seed, 42u);

  const Trial& logit = trials[1];
  EXPECT_EQ(logit.kind, TrialKind::kStudent);
  EXPECT_EQ(logit.strategy, "logit");
  EXPECT_EQ(logit.round, 0);
  EXPECT_EQ(logit.parent_id, "s42/teacher");
  EXPECT_EQ(logit.depends_on, std::vector<std::string>{"s42/teacher"});
  EXPECT_EQ(logit.model.dim, 64);
  EXPECT_EQ(logit.model.depth, 2);
  EXPECT_EQ(logit.model.dropout, 0.2);
  EXPECT_EQ(logit.student_scale, 0.5);
  EXPECT_EQ(logit.overall_scale, 0.5);
  EXPECT_EQ(logit.phase.optimizer.warmup_steps, 0);
  EXPECT_EQ(logit.distill.strategies, std::vector<std::string>{"logit"});
  EXPECT_EQ(logit.distill.alpha, 0.5);
  EXPECT_EQ(trials[2].distill.strategies, std::vector<std::string>{"attention"});

  const Trial& control = trials[4];
  EXPECT_EQ(control.kind, TrialKind::kScratch);
  EXPECT_EQ(control.model, logit.model);
  EXPECT_EQ(control.seed, 42u);
  EXPECT_EQ(control.task, teacher.task);
  EXPECT_TRUE(control.parent_id.empty());
  EXPECT_TRUE(control.depends_on.empty());
  EXPECT_EQ(control.phase, config().distill);  // the students' hyperparameters
  EXPECT_EQ(control.overall_scale, 0.5);
  EXPECT_EQ(control.serves,
            (std::vector<std::string>{"s42/student-0.5-logit-r0", "s42/student-0.5-attention-r0",
                                      "s42/student-0.5-feature-r0"}));
}

TEST(Plan, RepeatsArePairedBySeed) {
  ExperimentConfig c = config();
  c.repeats = 3;
  c.seed = 7;
  const std::vector<Trial> trials = plan_trials(c);
  ASSERT_EQ(trials.size(), 15u);
  EXPECT_EQ(count(trials, TrialKind::kTeacher), 3);
  EXPECT_EQ(count(trials, TrialKind::kStudent), 9);
  EXPECT_EQ(count(trials, TrialKind::kScratch), 3);
  for (const Trial& t : trials) {
    EXPECT_EQ(t.seed, 7u + static_cast<uint64_t>(t.repeat)) << t.id;
    EXPECT_EQ(t.task.split_seed, t.seed) << t.id;  // the split of the repeat's teacher
    EXPECT_EQ(t.id.rfind(fmt::format("s{}/", t.seed), 0), 0u) << t.id;
    if (t.kind == TrialKind::kStudent) {
      EXPECT_EQ(find(trials, t.parent_id).seed, t.seed);
    }
  }
  EXPECT_EQ(trials[5].id, "s8/teacher");
  EXPECT_EQ(trials[14].id, "s9/scratch-d64-l2");
}

TEST(Plan, GrowAndSweep) {
  ExperimentConfig c = config();
  c.teacher_scale = 2.0;
  c.teacher_depth_scale = 1.5;  // 2 · 1.5 = 3 layers
  c.student_scales = {0.5, 0.25};
  c.strategies = {"logit", "combined"};
  const std::vector<Trial> trials = plan_trials(c);
  EXPECT_EQ(ids(trials),
            (std::vector<std::string>{"s42/teacher", "s42/student-0.5-logit-r0",
                                      "s42/student-0.5-combined-r0", "s42/student-0.25-logit-r0",
                                      "s42/student-0.25-combined-r0", "s42/scratch-d128-l3",
                                      "s42/scratch-d64-l3"}));
  EXPECT_EQ(trials[0].model.dim, 256);
  EXPECT_EQ(trials[0].model.depth, 3);
  EXPECT_EQ(trials[0].student_scale, 2.0);
  EXPECT_EQ(trials[1].model.dim, 128);
  EXPECT_EQ(trials[3].model.dim, 64);
  EXPECT_EQ(trials[3].overall_scale, 0.25);
  EXPECT_EQ(trials[2].distill.strategies,
            (std::vector<std::string>{"logit", "attention", "feature"}));
  EXPECT_EQ(trials[5].serves.size(), 2u);
  EXPECT_EQ(trials[6].overall_scale, 0.25);
}

TEST(Plan, NoControl) {
  ExperimentConfig c = config();
  c.no_control = true;
  c.repeats = 2;
  const std::vector<Trial> trials = plan_trials(c);
  EXPECT_EQ(trials.size(), 8u);
  EXPECT_EQ(count(trials, TrialKind::kScratch), 0);
}

TEST(Plan, RecursionChainsAndOverallScale) {
  ExperimentConfig c = config();
  c.recursive = true;
  c.strategies = {"logit"};
  const std::vector<Trial> trials = plan_trials(c);
  EXPECT_EQ(ids(trials), (std::vector<std::string>{"s42/teacher", "s42/student-0.5-logit-r0",
                                                   "s42/student-0.5-logit-r1",
                                                   "s42/student-0.5-logit-r2", "s42/scratch-d64-l2",
                                                   "s42/scratch-d32-l2", "s42/scratch-d16-l2"}));
  const Trial& r1 = trials[2];
  const Trial& r2 = trials[3];
  EXPECT_EQ(r1.parent_id, "s42/student-0.5-logit-r0");
  EXPECT_EQ(r2.parent_id, "s42/student-0.5-logit-r1");
  EXPECT_EQ(r1.round, 1);
  EXPECT_EQ(r1.model.dim, 32);
  EXPECT_EQ(r2.model.dim, 16);
  EXPECT_EQ(r1.model.depth, 2);  // recursion scales the width only
  EXPECT_EQ(r1.student_scale, 0.5);
  // The fix: the product of the factors (0.5 · 0.5 = 0.25), not the reference's double count.
  EXPECT_EQ(r1.overall_scale, 0.25);
  EXPECT_EQ(r2.overall_scale, 0.125);
  // Controls of recursive shapes wait for the trials that decide whether they are needed.
  EXPECT_TRUE(trials[4].depends_on.empty());
  EXPECT_EQ(trials[5].depends_on, std::vector<std::string>{"s42/student-0.5-logit-r0"});
  EXPECT_EQ(trials[6].depends_on, std::vector<std::string>{"s42/student-0.5-logit-r1"});

  c.max_recursive_rounds = 1;
  c.recursive_factor = 0.75;
  const std::vector<Trial> short_chain = plan_trials(c);
  EXPECT_EQ(short_chain.size(), 5u);
  EXPECT_EQ(short_chain[2].model.dim, 48);
  EXPECT_EQ(short_chain[2].overall_scale, 0.375);
}

TEST(Plan, SharedShapeSharesOneControl) {
  ExperimentConfig c = config();
  c.recursive = true;
  c.max_recursive_rounds = 1;
  c.student_scales = {0.5, 0.25};
  c.strategies = {"feature"};
  const std::vector<Trial> trials = plan_trials(c);
  // Round 0: d64, d32; round 1: d32, d16 → controls d64, d32 (shared), d16.
  EXPECT_EQ(count(trials, TrialKind::kStudent), 4);
  const Trial& d32 = find(trials, "s42/scratch-d32-l2");
  EXPECT_EQ(d32.serves, (std::vector<std::string>{"s42/student-0.25-feature-r0",
                                                  "s42/student-0.5-feature-r1"}));
  EXPECT_TRUE(d32.depends_on.empty());  // a round-0 student always runs
  EXPECT_EQ(count(trials, TrialKind::kScratch), 3);
}

TEST(Plan, WidthRule) {
  const auto dim_at = [](double scale, int heads) {
    ExperimentConfig c = config();
    c.student_scales = {scale};
    c.strategies = {"logit"};
    c.base.heads = heads;
    return plan_trials(c)[1].model.dim;
  };
  EXPECT_EQ(dim_at(0.5, 1), 64);
  EXPECT_EQ(dim_at(0.25, 1), 32);
  EXPECT_EQ(dim_at(0.28515625, 1), 36);  // 36.5 → 36 (half to even)
  EXPECT_EQ(dim_at(0.29296875, 1), 38);  // 37.5 → 38
  EXPECT_EQ(dim_at(0.3, 4), 40);         // 38.4 → 38 → next multiple of 4
  EXPECT_EQ(dim_at(0.03125, 1), 8);      // 4 → at least 8
  EXPECT_EQ(dim_at(1.5, 1), 192);

  ExperimentConfig c = config();
  c.student_depth_scale = 0.5;
  c.strategies = {"logit"};
  EXPECT_EQ(plan_trials(c)[1].model.depth, 1);
}

TEST(Plan, InvalidShapesNameTheScale) {
  ExperimentConfig c = config();
  c.student_scales = {0.5, 0.35};  // 44.8 → 45: an odd head width
  EXPECT_NE(usage_error(c).find("student_scales 0.35"), std::string::npos) << usage_error(c);
  c = config();
  c.student_depth_scale = 0.5;  // attention and feature need the teacher's depth
  c.strategies = {"logit", "attention"};
  EXPECT_NE(usage_error(c).find("strategies attention"), std::string::npos) << usage_error(c);
  c = config();
  c.recursive = true;
  c.recursive_factor = 0.7;  // 64 · 0.7 = 44.8 → 45
  c.strategies = {"logit"};
  EXPECT_NE(usage_error(c).find("recursive_factor 0.7"), std::string::npos) << usage_error(c);
  c = config();
  c.repeats = 0;
  EXPECT_EQ(usage_error(c).rfind("repeats:", 0), 0u);
}

TEST(Plan, GivenTeacherIsSharedAcrossRepeats) {
  ExperimentConfig c = config();
  c.teacher_checkpoint = "runs/teacher";
  c.repeats = 2;
  GivenTeacher given;
  given.model.dim = 96;
  given.model.vocab_size = given.model.n_classes = 15;
  given.task.p = 13;
  given.task.operation = Operation::kAdd;
  given.task.split_seed = 5;
  const std::vector<Trial> trials = plan_trials(c, given);
  ASSERT_EQ(trials.size(), 9u);
  EXPECT_EQ(trials[0].id, "teacher");
  EXPECT_EQ(trials[0].checkpoint, "runs/teacher");
  EXPECT_EQ(trials[0].model.dim, 96);
  EXPECT_EQ(count(trials, TrialKind::kTeacher), 1);
  for (const Trial& t : trials) {
    EXPECT_EQ(t.task, given.task) << t.id;  // the teacher's split everywhere
    if (t.kind == TrialKind::kStudent) {
      EXPECT_EQ(t.parent_id, "teacher");
      EXPECT_EQ(t.model.dim, 48);
      EXPECT_EQ(t.model.vocab_size, 15);
    }
  }
  EXPECT_EQ(find(trials, "s43/scratch-d48-l2").seed, 43u);
  EXPECT_EQ(find(trials, "s43/student-0.5-feature-r0").seed, 43u);
  EXPECT_THROW(plan_trials(c), Error);  // the caller must pass the checkpoint's shape
}

TEST(Plan, IdsAreUniqueAndFilesystemSafe) {
  ExperimentConfig c = config();
  c.recursive = true;
  c.repeats = 2;
  c.student_scales = {0.5, 0.25, 0.125};
  c.strategies = {"logit", "attention", "feature", "combined"};
  const std::vector<Trial> trials = plan_trials(c);
  const std::regex safe("^[a-z0-9.+-]+(/[a-z0-9.+-]+)?$");
  std::set<std::string> seen;
  for (const Trial& t : trials) {
    EXPECT_TRUE(std::regex_match(t.id, safe)) << t.id;
    EXPECT_TRUE(seen.insert(t.id).second) << t.id;
  }
  EXPECT_EQ(count(trials, TrialKind::kStudent), 2 * 3 * 4 * 3);
  // Parents precede children, so a scheduler can walk the plan in order.
  std::set<std::string> before;
  for (const Trial& t : trials) {
    for (const std::string& d : t.depends_on) EXPECT_TRUE(before.count(d)) << t.id << " " << d;
    before.insert(t.id);
  }
  EXPECT_NO_THROW(find(trials, "s43/student-0.125-combined-r2"));
}

TEST(StopRule, ChainContinues) {
  EXPECT_TRUE(chain_continues(0.99, 0.99));
  EXPECT_TRUE(chain_continues(1.0, 0.99));
  EXPECT_FALSE(chain_continues(0.98999, 0.99));
  EXPECT_FALSE(chain_continues(NAN, 0.99));
}

TEST(StopRule, TrialsToSkip) {
  ExperimentConfig c = config();
  c.recursive = true;
  c.strategies = {"logit", "feature"};
  const std::vector<Trial> trials = plan_trials(c);
  const std::string r0 = "s42/student-0.5-logit-r0", r1 = "s42/student-0.5-logit-r1",
                    r2 = "s42/student-0.5-logit-r2", f0 = "s42/student-0.5-feature-r0",
                    f1 = "s42/student-0.5-feature-r1";
  // Nothing known: nothing decided.
  EXPECT_TRUE(trials_to_skip(trials, {}, 0.99).empty());
  // The teacher never gates round 0.
  EXPECT_TRUE(trials_to_skip(trials, {{"s42/teacher", 0.2}}, 0.99).empty());
  // Logit round 0 below the threshold: its chain stops; the feature chain goes on, so the
  // controls of d32 and d16 are still needed.
  EXPECT_EQ(trials_to_skip(trials, {{r0, 0.98}, {f0, 1.0}}, 0.99),
            (std::vector<std::string>{r1, r2}));
  // Both chains stop after round 0: their round-1/2 controls go too, d64's stays.
  EXPECT_EQ(trials_to_skip(trials, {{r0, 0.98}, {f0, 0.5}}, 0.99),
            (std::vector<std::string>{r1, f1, r2, "s42/student-0.5-feature-r2",
                                      "s42/scratch-d32-l2", "s42/scratch-d16-l2"}));
  // Round 1 fails after round 0 passed: only round 2 of that chain.
  EXPECT_EQ(trials_to_skip(trials, {{r0, 1.0}, {r1, 0.9}}, 0.99), std::vector<std::string>{r2});
  // A failed parent (NaN) stops its chain; a lower threshold lets it continue.
  EXPECT_EQ(trials_to_skip(trials, {{r0, NAN}}, 0.99), (std::vector<std::string>{r1, r2}));
  EXPECT_TRUE(trials_to_skip(trials, {{r0, 0.98}}, 0.9).empty());
}

TEST(PlanChange, IdenticalExtendedChanged) {
  ExperimentConfig c = config();
  c.repeats = 2;
  const nlohmann::json base = plan_to_json(plan_trials(c));
  // Stored and read back (as the manifest would be) it is still identical.
  const nlohmann::json reread = nlohmann::json::parse(base.dump());
  EXPECT_EQ(compare_plans(reread, base).kind, PlanChangeKind::kIdentical);
  EXPECT_EQ(compare_plans(reread, base).describe(), "identical");
  EXPECT_EQ(plan_fingerprint(plan_trials(c)), plan_fingerprint(plan_trials(c)));
  EXPECT_EQ(plan_fingerprint(plan_trials(c)).size(), 64u);

  // More repeats, another strategy or a recursion add trials only.
  ExperimentConfig more = c;
  more.repeats = 3;
  PlanChange change = compare_plans(base, plan_to_json(plan_trials(more)));
  EXPECT_EQ(change.kind, PlanChangeKind::kExtended);
  EXPECT_EQ(change.added.size(), 5u);
  EXPECT_EQ(change.added[0], "s44/teacher");
  EXPECT_NE(change.describe().find("extended by 5 trials (s44/teacher"), std::string::npos)
      << change.describe();
  ExperimentConfig wider = c;
  wider.strategies.push_back("combined");
  wider.recursive = true;
  EXPECT_EQ(compare_plans(base, plan_to_json(plan_trials(wider))).kind, PlanChangeKind::kExtended);

  // A hyperparameter of existing trials changed: refuse.
  ExperimentConfig longer = c;
  longer.distill.loop.epochs = 200;
  change = compare_plans(base, plan_to_json(plan_trials(longer)));
  EXPECT_EQ(change.kind, PlanChangeKind::kChanged);
  EXPECT_EQ(change.changed.size(), 8u);  // 3 students and 1 control per repeat
  EXPECT_TRUE(change.removed.empty());
  EXPECT_NE(plan_fingerprint(plan_trials(longer)), plan_fingerprint(plan_trials(c)));
  // Fewer trials: refuse too.
  ExperimentConfig fewer = c;
  fewer.repeats = 1;
  change = compare_plans(base, plan_to_json(plan_trials(fewer)));
  EXPECT_EQ(change.kind, PlanChangeKind::kChanged);
  EXPECT_EQ(change.removed.size(), 5u);
  EXPECT_NE(change.describe().find("5 trials removed (s43/teacher"), std::string::npos)
      << change.describe();
  // A different teacher shape changes every trial.
  ExperimentConfig grown = c;
  grown.teacher_scale = 2;
  EXPECT_EQ(compare_plans(base, plan_to_json(plan_trials(grown))).kind, PlanChangeKind::kChanged);

  EXPECT_THROW(compare_plans(nlohmann::json::object(), base), Error);
  nlohmann::json twice = nlohmann::json::array();
  twice.push_back({{"id", "a"}});
  twice.push_back({{"id", "a"}});
  EXPECT_THROW(compare_plans(twice, base), Error);
}

// A plan.json written before the config schema (format of commit 06b2da3: task.seed,
// model.vocab_size, no max_steps or eval_batch_size, distill.ground_truth) is the same plan.
TEST(PlanChange, PlansOfTheEarlierFormatAreUpgraded) {
  ExperimentConfig c;
  c.out = "runs/x";
  c.repeats = 2;
  const nlohmann::json now = plan_to_json(plan_trials(c));
  nlohmann::json old = now;
  for (auto& t : old) {
    t["task"]["seed"] = t["task"]["split_seed"];
    t["task"].erase("split_seed");
    t["model"]["vocab_size"] = t["model"]["n_tokens"];
    t["model"].erase("n_tokens");
    t["phase"].erase("max_steps");
    t["phase"].erase("eval_batch_size");
    if (t.contains("distill")) {
      t["distill"]["ground_truth"] = !t["distill"]["disable_ground_truth"].get<bool>();
      t["distill"].erase("disable_ground_truth");
    }
  }
  EXPECT_EQ(upgrade_plan(old), now);
  EXPECT_EQ(compare_plans(old, now).kind, PlanChangeKind::kIdentical);
  // What the old trials ran with still counts: a changed evaluation batch is a change.
  ExperimentConfig other = c;
  other.distill.loop.eval_batch_size = 64;
  EXPECT_EQ(compare_plans(old, plan_to_json(plan_trials(other))).kind, PlanChangeKind::kChanged);
}

TEST(PlanJson, CanonicalFields) {
  const std::vector<Trial> trials = plan_trials(config());
  const nlohmann::json student = trial_to_json(trials[1]);
  EXPECT_EQ(student["kind"], "student");
  EXPECT_EQ(student["parent_id"], "s42/teacher");
  EXPECT_EQ(student["overall_scale"], 0.5);
  EXPECT_EQ(student["model"]["dim"], 64);
  EXPECT_EQ(student["task"]["operation"], "/");
  EXPECT_EQ(student["phase"]["optimizer"]["warmup_steps"], 0);
  EXPECT_EQ(student["distill"]["strategies"], nlohmann::json::array({"logit"}));
  EXPECT_FALSE(student.contains("depends_on"));
  EXPECT_FALSE(trial_to_json(trials[0]).contains("distill"));
  EXPECT_EQ(trial_to_json(trials[4])["kind"], "scratch");
}

}  // namespace
}  // namespace grok
