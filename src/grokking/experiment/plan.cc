#include "grokking/experiment/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "grokking/core/error.h"
#include "grokking/core/sha256.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/student_config.h"

namespace grok {
namespace {

// A shape from its parent's by the width rule of REFERENCE.md §5 (student_config), with the
// error naming what the user chose (`what`, e.g. "student_scales 0.35").
ModelConfig scaled_shape(const ModelConfig& parent, double width_scale, double depth_scale,
                         const std::string& what) {
  try {
    return student_config(parent, width_scale, depth_scale);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", what, e.what()));
  }
}

std::string seed_prefix(uint64_t seed) { return fmt::format("s{}/", seed); }

// One repeat's trials: teacher (unless given), students by round, then controls.
void plan_repeat(const ExperimentConfig& config, int repeat, const Trial* given_teacher,
                 std::vector<Trial>& trials) {
  const uint64_t seed = config.seed + static_cast<uint64_t>(repeat);
  const std::string prefix = seed_prefix(seed);

  Trial teacher;
  if (given_teacher != nullptr) {
    teacher = *given_teacher;
  } else {
    teacher.id = prefix + "teacher";
    teacher.kind = TrialKind::kTeacher;
    teacher.repeat = repeat;
    teacher.seed = seed;
    teacher.task = config.task;
    teacher.task.split_seed = seed;
    const ModelConfig base = config.base_shape();
    teacher.model =
        scaled_shape(base, config.teacher_scale, config.teacher_depth_scale,
                     fmt::format("teacher_scale {} (base_dim {})", config.teacher_scale, base.dim));
    teacher.student_scale = config.teacher_scale;
    teacher.overall_scale = 1.0;
    teacher.phase = config.teacher;
    trials.push_back(teacher);
  }

  // Students, round by round so that every parent precedes its children.
  const int rounds = config.recursive ? config.max_recursive_rounds : 0;
  std::vector<Trial> previous;  // the chains' heads, one per scale × strategy
  std::vector<Trial> students;
  for (int round = 0; round <= rounds; ++round) {
    std::vector<Trial> current;
    std::size_t chain = 0;
    for (const double scale : config.student_scales) {
      for (const std::string& strategy : config.strategies) {
        const Trial& parent = round == 0 ? teacher : previous[chain];
        Trial s;
        s.id = fmt::format("{}student-{}-{}-r{}", prefix, scale, strategy, round);
        s.kind = TrialKind::kStudent;
        s.strategy = strategy;
        s.round = round;
        s.repeat = repeat;
        s.seed = seed;
        s.parent_id = parent.id;
        s.depends_on = {parent.id};
        s.task = teacher.task;  // the teacher's split, always
        s.student_scale = round == 0 ? scale : config.recursive_factor;
        s.overall_scale = parent.overall_scale * s.student_scale;
        const std::string what =
            round == 0 ? fmt::format("student_scales {}", scale)
                       : fmt::format("recursive_factor {} (student_scales {}, round {})",
                                     config.recursive_factor, scale, round);
        s.model = scaled_shape(parent.model, s.student_scale,
                               round == 0 ? config.student_depth_scale : 1.0, what);
        s.phase = config.distill;
        s.distill = config.distill_settings;
        s.distill.strategies = expand_strategy(strategy);
        for (const std::string& name : s.distill.strategies) {
          try {
            check_student_shape(strategy_info(name), parent.model, s.model);
          } catch (const UsageError& e) {
            throw UsageError(fmt::format("strategies {} with {}: {}", strategy, what, e.what()));
          }
        }
        current.push_back(std::move(s));
        ++chain;
      }
    }
    students.insert(students.end(), current.begin(), current.end());
    previous = std::move(current);
  }
  trials.insert(trials.end(), students.begin(), students.end());

  if (config.no_control) return;
  // One control per distinct (dim, depth), in order of first use.
  std::vector<Trial> controls;
  for (const Trial& s : students) {
    const std::string id = fmt::format("{}scratch-d{}-l{}", prefix, s.model.dim, s.model.depth);
    auto it =
        std::find_if(controls.begin(), controls.end(), [&](const Trial& c) { return c.id == id; });
    if (it == controls.end()) {
      Trial c;
      c.id = id;
      c.kind = TrialKind::kScratch;
      c.repeat = repeat;
      c.seed = seed;
      c.task = teacher.task;
      c.model = s.model;
      c.student_scale = c.overall_scale =
          static_cast<double>(s.model.dim) / static_cast<double>(teacher.model.dim);
      c.phase = config.distill;
      controls.push_back(std::move(c));
      it = controls.end() - 1;
    }
    it->serves.push_back(s.id);
  }
  for (Trial& c : controls) {
    // Wait for the gates only if every student served may be skipped (all of rounds >= 1).
    const bool all_gated = std::all_of(c.serves.begin(), c.serves.end(), [&](const auto& id) {
      return std::find_if(students.begin(), students.end(), [&](const Trial& s) {
               return s.id == id && s.round == 0;
             }) == students.end();
    });
    if (!all_gated) continue;
    for (const std::string& id : c.serves) {
      const auto s = std::find_if(students.begin(), students.end(),
                                  [&](const Trial& t) { return t.id == id; });
      if (std::find(c.depends_on.begin(), c.depends_on.end(), s->parent_id) == c.depends_on.end())
        c.depends_on.push_back(s->parent_id);
    }
  }
  trials.insert(trials.end(), controls.begin(), controls.end());
}

std::string first_ids(const std::vector<std::string>& ids) {
  constexpr std::size_t kShown = 3;
  std::string text;
  for (std::size_t i = 0; i < std::min(ids.size(), kShown); ++i) text += (i ? ", " : "") + ids[i];
  if (ids.size() > kShown) text += fmt::format(", … {} more", ids.size() - kShown);
  return text;
}

// id → trial object of a stored or new plan; grok::Error if it is not one.
std::map<std::string, nlohmann::json> index_plan(const nlohmann::json& plan, const char* which) {
  if (!plan.is_array())
    throw Error(
        fmt::format("{} plan: expected an array of trials, got {}", which, plan.type_name()));
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& trial : plan) {
    if (!trial.is_object() || !trial.contains("id") || !trial["id"].is_string())
      throw Error(fmt::format("{} plan: a trial without a string \"id\": {}", which,
                              trial.dump().substr(0, 80)));
    const std::string id = trial["id"].get<std::string>();
    if (!by_id.emplace(id, trial).second)
      throw Error(fmt::format("{} plan: trial id '{}' appears twice", which, id));
  }
  return by_id;
}

}  // namespace

std::string to_string(TrialKind kind) {
  switch (kind) {
    case TrialKind::kTeacher:
      return "teacher";
    case TrialKind::kStudent:
      return "student";
    case TrialKind::kScratch:
      return "scratch";
  }
  return "?";
}

std::vector<Trial> plan_trials(const ExperimentConfig& config,
                               const std::optional<GivenTeacher>& given) {
  config.validate();
  std::vector<Trial> trials;
  std::optional<Trial> given_teacher;
  if (!config.teacher_checkpoint.empty()) {
    GROK_CHECK(given.has_value(), "plan_trials: --teacher_checkpoint {} given without its shape",
               config.teacher_checkpoint);
    Trial t;
    t.id = "teacher";
    t.kind = TrialKind::kTeacher;
    t.seed = given->task.split_seed;
    t.checkpoint = config.teacher_checkpoint;
    t.task = given->task;
    t.model = given->model;
    t.phase = config.teacher;
    trials.push_back(t);
    given_teacher = std::move(t);
  }
  for (int r = 0; r < config.repeats; ++r) {
    plan_repeat(config, r, given_teacher ? &*given_teacher : nullptr, trials);
    if (trials.size() > kMaxTrials)
      throw UsageError(fmt::format(
          "repeats: {} repeats make a plan of more than {} trials ({} after {} repeats), the "
          "limit; use fewer repeats, scales, strategies or rounds",
          config.repeats, kMaxTrials, trials.size(), r + 1));
  }
  return trials;
}

bool chain_continues(double parent_val_acc, double threshold) {
  return parent_val_acc >= threshold;  // false for NaN
}

std::vector<std::string> trials_to_skip(const std::vector<Trial>& trials,
                                        const std::map<std::string, double>& val_acc_by_id,
                                        double threshold) {
  // Plan order puts parents before children and controls after their students: one pass.
  std::set<std::string> skipped;
  std::vector<std::string> out;
  for (const Trial& t : trials) {
    bool skip = false;
    if (t.kind == TrialKind::kStudent && t.round >= 1) {
      const auto acc = val_acc_by_id.find(t.parent_id);
      skip = skipped.count(t.parent_id) > 0 ||
             (acc != val_acc_by_id.end() && !chain_continues(acc->second, threshold));
    } else if (t.kind == TrialKind::kScratch && !t.serves.empty()) {
      skip = std::all_of(t.serves.begin(), t.serves.end(),
                         [&](const std::string& id) { return skipped.count(id) > 0; });
    }
    if (skip) {
      skipped.insert(t.id);
      out.push_back(t.id);
    }
  }
  return out;
}

nlohmann::json trial_to_json(const Trial& t) {
  nlohmann::json j = {{"id", t.id},
                      {"kind", to_string(t.kind)},
                      {"strategy", t.strategy},
                      {"round", t.round},
                      {"repeat", t.repeat},
                      {"seed", t.seed},
                      {"parent_id", t.parent_id},
                      {"checkpoint", t.checkpoint},
                      {"student_scale", t.student_scale},
                      {"overall_scale", t.overall_scale},
                      {"task", to_json(t.task)},
                      {"model", to_json(t.model)},
                      {"phase", to_json(t.phase)}};
  if (t.kind == TrialKind::kStudent) j["distill"] = to_json(t.distill);
  return j;
}

nlohmann::json plan_to_json(const std::vector<Trial>& trials) {
  nlohmann::json plan = nlohmann::json::array();
  for (const Trial& t : trials) plan.push_back(trial_to_json(t));
  return plan;
}

std::string plan_fingerprint(const std::vector<Trial>& trials) {
  return sha256_hex(plan_to_json(trials).dump());
}

std::string PlanChange::describe() const {
  switch (kind) {
    case PlanChangeKind::kIdentical:
      return "identical";
    case PlanChangeKind::kExtended:
      return fmt::format("extended by {} trial{} ({})", added.size(), added.size() == 1 ? "" : "s",
                         first_ids(added));
    case PlanChangeKind::kChanged: {
      std::string text = "changed:";
      if (!removed.empty())
        text += fmt::format(" {} trial{} removed ({});", removed.size(),
                            removed.size() == 1 ? "" : "s", first_ids(removed));
      if (!changed.empty())
        text += fmt::format(" {} trial{} redefined ({});", changed.size(),
                            changed.size() == 1 ? "" : "s", first_ids(changed));
      text.pop_back();
      return text;
    }
  }
  return "?";
}

nlohmann::json upgrade_plan(nlohmann::json plan) {
  if (!plan.is_array()) return plan;
  const auto rename = [](nlohmann::json& object, const char* from, const char* to) {
    if (object.is_object() && object.contains(from) && !object.contains(to)) {
      object[to] = object[from];
      object.erase(from);
    }
  };
  const LoopConfig loop_defaults;
  for (auto& trial : plan) {
    if (!trial.is_object()) continue;
    if (trial.contains("task")) rename(trial["task"], "seed", "split_seed");
    if (trial.contains("model")) rename(trial["model"], "vocab_size", "n_tokens");
    if (trial.contains("phase") && trial["phase"].is_object()) {
      nlohmann::json& phase = trial["phase"];
      if (!phase.contains("max_steps")) phase["max_steps"] = loop_defaults.max_steps;
      if (!phase.contains("eval_batch_size"))
        phase["eval_batch_size"] = loop_defaults.eval_batch_size;
      if (!phase.contains("eval_train")) phase["eval_train"] = loop_defaults.eval_train;
    }
    if (trial.contains("distill") && trial["distill"].is_object()) {
      nlohmann::json& d = trial["distill"];
      if (d.contains("ground_truth") && d["ground_truth"].is_boolean()) {
        d["disable_ground_truth"] = !d["ground_truth"].get<bool>();
        d.erase("ground_truth");
      }
    }
  }
  return plan;
}

PlanChange compare_plans(const nlohmann::json& stored_plan, const nlohmann::json& new_plan) {
  const nlohmann::json old_plan = upgrade_plan(stored_plan);
  const auto old_by_id = index_plan(old_plan, "old");
  const auto new_by_id = index_plan(new_plan, "new");
  PlanChange change;
  for (const auto& trial : new_plan) {  // plan order
    const std::string id = trial["id"].get<std::string>();
    const auto old = old_by_id.find(id);
    if (old == old_by_id.end())
      change.added.push_back(id);
    else if (old->second != trial)
      change.changed.push_back(id);
  }
  for (const auto& trial : old_plan) {
    const std::string id = trial["id"].get<std::string>();
    if (new_by_id.count(id) == 0) change.removed.push_back(id);
  }
  if (!change.removed.empty() || !change.changed.empty())
    change.kind = PlanChangeKind::kChanged;
  else if (!change.added.empty())
    change.kind = PlanChangeKind::kExtended;
  return change;
}

}  // namespace grok
