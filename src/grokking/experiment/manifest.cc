#include "grokking/experiment/manifest.h"

#include <fmt/format.h>

#include <type_traits>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/experiment/trial_command.h"
#include "grokking/train/grok_events.h"
#include "grokking/train/history.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

constexpr std::pair<TrialStatus, const char*> kStatusNames[] = {
    {TrialStatus::kQueued, "queued"},       {TrialStatus::kRunning, "running"},
    {TrialStatus::kCompleted, "completed"}, {TrialStatus::kFailed, "failed"},
    {TrialStatus::kSkipped, "skipped"},     {TrialStatus::kInterrupted, "interrupted"}};

template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// An integer key must hold an integer (nlohmann converts 1e30 to int64_t, undefined behaviour).
template <typename T>
std::optional<T> optional_from(const nlohmann::json& json, const char* key) {
  if (!json.contains(key) || json[key].is_null()) return std::nullopt;
  if constexpr (std::is_integral_v<T>)
    if (!json[key].is_number_integer())
      throw Error(fmt::format("\"{}\" is {}, expected an integer", key, json[key].dump()));
  return json[key].get<T>();
}

// The manifest's "optimizer" of a trial: its optimizer and loop options in one object.
nlohmann::ordered_json phase_json(const PhaseConfig& phase) {
  nlohmann::ordered_json j = to_json(phase.optimizer);
  const nlohmann::json loop = to_json(phase.loop);
  for (const auto& [key, value] : loop.items()) j[key] = value;
  return j;
}

}  // namespace

std::string to_string(TrialStatus status) {
  for (const auto& [value, name] : kStatusNames)
    if (value == status) return name;
  return "?";
}

TrialStatus parse_trial_status(const std::string& text) {
  for (const auto& [value, name] : kStatusNames)
    if (text == name) return value;
  throw Error(fmt::format("manifest: unknown trial status '{}'", text));
}

TrialRecord read_trial_results(const fs::path& run_dir, const Trial& trial,
                               const GrokDefinition& definition) {
  TrialRecord record;
  record.id = trial.id;
  const nlohmann::json summary = read_json_file(run_dir / "summary.json");
  const bool distilled = trial.kind == TrialKind::kStudent;
  const fs::path history_path =
      run_dir / (distilled ? "distillation_history.json" : "training_history.json");
  const nlohmann::json history_json = read_json_file(history_path);
  std::vector<std::string> columns = {"epoch", "train_acc", "val_acc"};
  if (history_json.contains("train_eval_acc")) columns.push_back("train_eval_acc");
  const History history = History::from_json(history_json, columns, history_path.string());
  try {
    record.val_acc = summary.at("final_val_acc").get<double>();
    record.best_val_acc = summary.at("best_val_acc").get<double>();
    record.epoch_to_50 = optional_from<int64_t>(summary, "epoch_to_50");
    record.epoch_to_90 = optional_from<int64_t>(summary, "epoch_to_90");
    record.epoch_to_99 = optional_from<int64_t>(summary, "epoch_to_99");
    record.params = optional_from<int64_t>(summary, "parameters");
    if (!record.params) throw Error("\"parameters\" is missing");
    record.wall_s = summary.at("timing").at("wall_s").get<double>();
  } catch (const std::exception& e) {  // nlohmann's, or optional_from's grok::Error
    throw Error(fmt::format("{}: missing or invalid results ({})",
                            (run_dir / "summary.json").string(), e.what()));
  }
  const GrokAssessment grok = assess_grokking(history, definition);
  record.epoch_to_threshold = grok.val_epoch;
  record.train_epoch_to_threshold = grok.train_epoch;
  record.grokking_delay = grok.delay;
  record.generalised = grok.generalised;
  record.grokked = grok.grokked;
  record.success = *record.val_acc >= definition.threshold;
  record.status = TrialStatus::kCompleted;
  return record;
}

nlohmann::ordered_json manifest_json(const fs::path& out, const std::vector<Trial>& plan,
                                     const std::vector<TrialRecord>& records,
                                     const GrokDefinition& definition) {
  nlohmann::ordered_json json;
  json["format_version"] = kManifestFormatVersion;
  json["plan_fingerprint"] = plan_fingerprint(plan);
  json["grok_detection"] = {{"threshold", definition.threshold},
                            {"tolerance", definition.tolerance},
                            {"min_delay", definition.min_delay},
                            {"train_accuracy",
                             "train_eval_acc (inference mode) where the trial ran with "
                             "eval_train, else train_acc (training mode, dropout on)"}};
  for (const auto& trial : plan) {
    if (trial.kind != TrialKind::kTeacher) continue;
    json["teacher"] = {
        {"id", trial.id},
        {"checkpoint", trial.checkpoint.empty() ? (trial_dir(out, trial) / "checkpoints").string()
                                                : trial.checkpoint},
        {"config", to_json(trial.model)},
        {"optimizer", phase_json(trial.phase)}};
    break;
  }
  nlohmann::ordered_json trials = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Trial& t = plan[i];
    const TrialRecord& r = records[i];
    const bool run = t.checkpoint.empty();
    nlohmann::ordered_json entry = {
        {"id", t.id},
        {"kind", to_string(t.kind)},
        {"strategy",
         t.strategy.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.strategy)},
        {"round", t.round},
        {"seed", t.seed},
        {"parent_checkpoint", t.kind == TrialKind::kStudent
                                  ? nlohmann::ordered_json(parent_checkpoint(out, t, plan).string())
                                  : nlohmann::ordered_json(nullptr)},
        {"student_config", to_json(t.model)},
        {"student_scale", t.student_scale},
        {"overall_scale", t.overall_scale},
        {"optimizer", phase_json(t.phase)},
        {"params", optional_json(r.params)},
        {"val_acc", optional_json(r.val_acc)},
        {"best_val_acc", optional_json(r.best_val_acc)},
        {"epoch_to_50", optional_json(r.epoch_to_50)},
        {"epoch_to_90", optional_json(r.epoch_to_90)},
        {"epoch_to_99", optional_json(r.epoch_to_99)},
        {"epoch_to_threshold", optional_json(r.epoch_to_threshold)},
        {"train_epoch_to_threshold", optional_json(r.train_epoch_to_threshold)},
        {"grokking_delay", optional_json(r.grokking_delay)},
        {"generalised", r.generalised},
        {"grokked", r.grokked},
        {"success", r.success},
        {"checkpoint", run ? (trial_dir(out, t) / "checkpoints").string() : t.checkpoint},
        {"run_dir", run ? nlohmann::ordered_json(trial_dir(out, t).string())
                        : nlohmann::ordered_json(nullptr)},
        {"wall_s", optional_json(r.wall_s)},
        {"status", to_string(r.status)},
        {"note", r.note}};
    trials.push_back(std::move(entry));
  }
  json["trials"] = std::move(trials);
  return json;
}

TrialRecord trial_results_from_json(const nlohmann::json& t) {
  TrialRecord r;
  r.val_acc = optional_from<double>(t, "val_acc");
  r.best_val_acc = optional_from<double>(t, "best_val_acc");
  r.epoch_to_50 = optional_from<int64_t>(t, "epoch_to_50");
  r.epoch_to_90 = optional_from<int64_t>(t, "epoch_to_90");
  r.epoch_to_99 = optional_from<int64_t>(t, "epoch_to_99");
  r.epoch_to_threshold = optional_from<int64_t>(t, "epoch_to_threshold");
  r.train_epoch_to_threshold = optional_from<int64_t>(t, "train_epoch_to_threshold");
  r.grokking_delay = optional_from<int64_t>(t, "grokking_delay");
  r.generalised = t.value("generalised", false);
  r.grokked = t.value("grokked", false);
  r.success = t.value("success", false);
  r.params = optional_from<int64_t>(t, "params");
  r.wall_s = optional_from<double>(t, "wall_s");
  return r;
}

std::vector<TrialRecord> read_manifest_records(const fs::path& manifest_path) {
  std::vector<TrialRecord> records;
  if (!fs::exists(manifest_path)) return records;
  const nlohmann::json json = read_json_file(manifest_path);
  try {
    for (const auto& t : json.at("trials")) {
      TrialRecord r = trial_results_from_json(t);
      r.id = t.at("id").get<std::string>();
      r.status = parse_trial_status(t.at("status").get<std::string>());
      r.note = t.value("note", "");
      records.push_back(std::move(r));
    }
  } catch (const std::exception& e) {  // nlohmann's, or a bad status or integer (grok::Error)
    throw Error(fmt::format("{}: invalid manifest ({})", manifest_path.string(), e.what()));
  }
  return records;
}

}  // namespace grok
