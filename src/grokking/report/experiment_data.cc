#include "grokking/report/experiment_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/experiment/experiment_report.h"
#include "grokking/experiment/manifest.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

std::string display_label(const ReportTrial& t) {
  if (t.kind == "teacher") return "teacher";
  std::string label =
      (t.kind == "student" ? t.strategy : t.kind) + " " + format_scale(t.overall_scale);
  if (t.round > 0) label += fmt::format(" r{}", t.round);
  return label;
}

}  // namespace

std::string format_scale(double scale) { return fmt::format("{}×", scale); }

std::vector<std::string> ExperimentData::configurations() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const ReportTrial& t : trials)
    if (seen.insert(t.configuration).second) out.push_back(t.configuration);
  return out;
}

std::vector<const ReportTrial*> ExperimentData::trials_of(const std::string& configuration) const {
  std::vector<const ReportTrial*> out;
  for (const ReportTrial& t : trials)
    if (t.configuration == configuration) out.push_back(&t);
  return out;
}

int ExperimentData::completed() const {
  int n = 0;
  for (const ReportTrial& t : trials) n += t.completed();
  return n;
}

ExperimentData read_experiment(const fs::path& dir) {
  ExperimentData data;
  data.dir = dir;
  const fs::path manifest_path = dir / "manifest.json";
  if (!fs::exists(manifest_path))
    throw Error(
        fmt::format("{}: no manifest.json (is it the --out directory of grokking "
                    "experiment?)",
                    dir.string()));
  const nlohmann::json manifest = read_json_file(manifest_path);
  if (!manifest.is_object() || !manifest.contains("trials") || !manifest["trials"].is_array())
    throw Error(fmt::format("{}: expected an object with a 'trials' list", manifest_path.string()));
  if (manifest.contains("grok_detection")) {
    data.threshold = manifest["grok_detection"].value("threshold", 0.99);
    data.window = manifest["grok_detection"].value("window", 0);
    const nlohmann::json& d = manifest["grok_detection"];
    if (d.contains("tolerance") && d["tolerance"].is_number() && d.contains("min_delay") &&
        d["min_delay"].is_number_integer()) {
      data.tolerance = d["tolerance"].get<double>();
      data.min_delay = d["min_delay"].get<int>();
    }
  }
  std::map<std::string, int> repeat_by_id;
  if (fs::exists(dir / "plan.json")) {
    const nlohmann::json plan = read_json_file(dir / "plan.json");
    if (plan.is_array()) {
      for (const auto& t : plan) {
        if (!t.is_object())
          throw Error(fmt::format("{}: a trial is not an object", (dir / "plan.json").string()));
        if (t.contains("id") && t.contains("repeat")) {
          // Untrusted: an integer in range, never a float converted (1e300 would be UB).
          const auto& repeat = t["repeat"];
          if (!t["id"].is_string() || !repeat.is_number_integer() || repeat.get<int64_t>() < 0 ||
              repeat.get<int64_t>() > 1'000'000)
            throw Error(
                fmt::format("{}: trial {}: \"repeat\" is {}; expected an integer 0 to "
                            "1000000 and a string id",
                            (dir / "plan.json").string(), t["id"].dump(), repeat.dump()));
          repeat_by_id[t["id"].get<std::string>()] = repeat.get<int>();
        }
        if (data.task.is_null() && t.contains("task")) data.task = t["task"];
      }
    }
  }
  if (fs::exists(dir / "statistics.json"))
    data.statistics = read_json_file(dir / "statistics.json");

  std::set<uint64_t> seeds;
  for (const auto& j : manifest["trials"]) {
    try {
      ReportTrial t;
      t.id = j.at("id").get<std::string>();
      t.kind = j.at("kind").get<std::string>();
      t.strategy =
          j.value("strategy", nlohmann::json()).is_string() ? j["strategy"].get<std::string>() : "";
      t.status = j.at("status").get<std::string>();
      t.round = j.value("round", 0);
      t.seed = j.value("seed", uint64_t{0});
      t.overall_scale = j.value("overall_scale", 1.0);
      if (j.contains("student_config") && j["student_config"].is_object()) {
        t.dim = j["student_config"].value("dim", 0);
        t.depth = j["student_config"].value("depth", 0);
      }
      if (j.contains("optimizer") && j["optimizer"].is_object())
        t.epoch_budget = j["optimizer"].value("epochs", int64_t{0});
      const TrialRecord results = trial_results_from_json(j);
      t.params = results.params;
      t.epoch_to_99 = results.epoch_to_99;
      t.val_acc = results.val_acc;
      t.best_val_acc = results.best_val_acc;
      t.wall_s = results.wall_s;
      t.grokked = results.grokked;
      const std::string run_dir =
          j.value("run_dir", nlohmann::json()).is_string() ? j["run_dir"].get<std::string>() : "";
      t.run_dir = !run_dir.empty() && fs::is_directory(run_dir) ? fs::path(run_dir) : dir / t.id;
      t.configuration = configuration_name(t.kind, t.strategy, t.round, t.dim, t.depth);
      t.label = display_label(t);
      t.colour_key = t.kind == "student" ? t.strategy : t.kind;
      seeds.insert(t.seed);
      data.trials.push_back(std::move(t));
    } catch (const nlohmann::json::exception& e) {
      throw Error(fmt::format("{}: trial {}: {}", manifest_path.string(), j.dump().substr(0, 80),
                              e.what()));
    }
  }
  const std::vector<uint64_t> seed_order(seeds.begin(), seeds.end());
  for (ReportTrial& t : data.trials) {
    const auto it = repeat_by_id.find(t.id);
    t.repeat =
        it != repeat_by_id.end()
            ? it->second
            : static_cast<int>(std::lower_bound(seed_order.begin(), seed_order.end(), t.seed) -
                               seed_order.begin());
  }
  return data;
}

}  // namespace grok
