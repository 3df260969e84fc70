// The trial plan of an experiment (REFERENCE.md §6): the configuration expanded into every
// teacher, student and from-scratch control it asks for, with stable ids, the dependencies a
// scheduler needs, the recursion stop rule, and a canonical JSON form to tell an unchanged,
// extended or changed plan apart on a re-run. Pure logic: not the runner, nor the manifest.
//
// Expansion, per repeat r (seed s = seed + r; teacher, students and controls of repeat r
// all use s: a paired design):
//   - a teacher: trained from the base shape scaled by teacher_scale / teacher_depth_scale
//     (id "s<s>/teacher"), or, with --teacher_checkpoint, one given teacher shared by every
//     repeat (id "teacher", not trained; its split is used by all trials);
//   - for each student scale (in the given order) × strategy: a round-0 student distilled from
//     the teacher (id "s<s>/student-<scale>-<strategy>-r0");
//   - with --recursive, rounds 1..max_recursive_rounds, round k distilled from round k−1 with
//     width factor recursive_factor and depth factor 1 (id "...-r<k>", <scale> staying the
//     round-0 scale that names the chain); round k runs only if round k−1's final val accuracy
//     is >= grokking_threshold (chain_continues);
//   - unless --no_control, one from-scratch control per distinct student shape (dim, depth),
//     same seed and split, no teacher, trained with the distill_* hyperparameters
//     (id "s<s>/scratch-d<dim>-l<depth>").
// Order: the given teacher, then per repeat: teacher, round-0 students, round-1 students, …,
// controls (in order of first use). <scale> is the shortest decimal that reads back as the
// same double (0.5, 0.25, 2); ids contain only [a-z0-9.+-] and one '/'.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grokking/experiment/experiment_config.h"

namespace grok {

enum class TrialKind { kTeacher, kStudent, kScratch };
std::string to_string(TrialKind kind);  // "teacher" | "student" | "scratch" (manifest kind)

struct Trial {
  std::string id;
  TrialKind kind = TrialKind::kTeacher;
  std::string strategy;    // students: logit | attention | feature | combined; else empty
  int round = 0;           // students: 0 from the teacher, k from round k−1; else 0
  int repeat = 0;          // 0..repeats-1; the given teacher: 0
  uint64_t seed = 0;       // initialisation, batch order, dropout (seed + repeat)
  std::string parent_id;   // students: the model distilled from; else empty
  std::string checkpoint;  // the given teacher's --teacher_checkpoint; else empty (trained)
  // Width factor relative to the parent (students), to the base shape (trained teacher: the
  // teacher_scale), or to the teacher (controls: dim / teacher dim); given teacher: 1.
  double student_scale = 1.0;
  // Width relative to the teacher: the product of the factors along the chain (REFERENCE.md §6
  // **fix**: the reference double-counts it for rounds >= 1); teacher 1; controls as above.
  double overall_scale = 1.0;
  TaskConfig task;          // the split (split_seed: the repeat's seed, or the given teacher's)
  ModelConfig model;        // dim, depth, heads, dropout, pool, vocabulary
  PhaseConfig phase;        // epochs, batch size, optimizer: teacher_* or distill_*
  DistillSettings distill;  // students: strategies of `strategy` and the loss weights

  // Scheduling (not part of the canonical form). A trial may start once every id here is
  // completed or skipped: a student's parent; for a control whose students are all of rounds
  // >= 1, the trials gating them (so that trials_to_skip has decided).
  std::vector<std::string> depends_on;
  // Controls: the students whose shape this control matches (it is skipped if all of them are).
  std::vector<std::string> serves;
};

// When --teacher_checkpoint is given: its shape and task, read from its metadata by the
// caller (the split seed is the one the teacher was trained on).
struct GivenTeacher {
  ModelConfig model;
  TaskConfig task;
};

// The most trials a plan may hold (a plan is built, written and scheduled in memory).
inline constexpr std::size_t kMaxTrials = 100'000;

// Expands a configuration; calls config.validate(). UsageError naming repeats past kMaxTrials. With
// config.teacher_checkpoint set, `given` must hold the checkpoint's shape and task. Throws
// UsageError (naming the scale) if a scale gives an invalid shape (e.g. an odd head width), or if a
// strategy cannot pair the shapes (attention and feature need the teacher's depth; attention its
// heads).
std::vector<Trial> plan_trials(const ExperimentConfig& config,
                               const std::optional<GivenTeacher>& given = std::nullopt);

// The recursion stop rule: a chain continues past a round whose final val accuracy is at least
// the threshold (NaN stops it).
bool chain_continues(double parent_val_acc, double threshold);

// The trials that must not run given the final val accuracies known so far: a student of round
// >= 1 whose parent is skipped or finished below the threshold, and a control all of whose
// students are skipped. Decisions still open (a parent unfinished) are not skips. In plan order.
std::vector<std::string> trials_to_skip(const std::vector<Trial>& trials,
                                        const std::map<std::string, double>& val_acc_by_id,
                                        double threshold);

// Canonical JSON of what each trial computes (all fields above but depends_on and serves): an
// array in plan order of objects with sorted keys. Stored with the manifest.
nlohmann::json trial_to_json(const Trial& trial);
nlohmann::json plan_to_json(const std::vector<Trial>& trials);
// SHA-256 (hex) of plan_to_json(trials).dump().
std::string plan_fingerprint(const std::vector<Trial>& trials);

enum class PlanChangeKind { kIdentical, kExtended, kChanged };

struct PlanChange {
  PlanChangeKind kind = PlanChangeKind::kIdentical;
  std::vector<std::string> added;    // ids only in the new plan
  std::vector<std::string> removed;  // ids only in the old plan
  std::vector<std::string> changed;  // ids in both whose definitions differ
  // One line for an error or log: "identical", "extended by N trials (a, b, …)", or
  // "changed: ... " naming up to a few removed and changed ids.
  std::string describe() const;
};

// Compares an old plan (as stored: plan_to_json, or upgrade_plan's reading of an older file)
// with a new one: identical; extended (the new plan only adds trials; every old trial is
// defined the same); changed (a trial removed or redefined — a re-run must refuse). Arrays of
// trial objects keyed by "id".
PlanChange compare_plans(const nlohmann::json& stored_plan, const nlohmann::json& new_plan);

// A plan.json of an earlier version in today's terms: task.seed → task.split_seed,
// model.vocab_size → model.n_tokens, the loop options it did not record at their defaults
// (which its trials ran with), distill.ground_truth → distill.disable_ground_truth.
nlohmann::json upgrade_plan(nlohmann::json plan);

}  // namespace grok
