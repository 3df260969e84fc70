#include "grokking/report/run_history.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/train/grok_events.h"
#include "grokking/train/objective.h"

namespace grok {
namespace fs = std::filesystem;

bool RunHistory::has(const std::string& name) const {
  const auto& c = history.columns();
  return std::find(c.begin(), c.end(), name) != c.end();
}

const std::vector<double>& RunHistory::column(const std::string& name) const {
  if (!has(name)) throw Error(fmt::format("{}: no '{}' list in the history", file.string(), name));
  return history.column(name);
}

std::optional<int64_t> RunHistory::first_epoch_reaching(double threshold) const {
  column("val_acc");
  return grok::first_epoch_reaching(history, threshold);
}

RunHistory read_run_history(const fs::path& run_dir) {
  RunHistory run;
  run.dir = run_dir;
  if (!fs::is_directory(run_dir))
    throw Error(
        fmt::format("{}: not a run directory (missing or not a directory)", run_dir.string()));
  const fs::path distill = run_dir / "distillation_history.json";
  const fs::path train = run_dir / "training_history.json";
  if (fs::exists(distill)) {
    run.file = distill;
    run.distillation = true;
  } else if (fs::exists(train)) {
    run.file = train;
  } else {
    throw Error(fmt::format(
        "{}: no training_history.json or distillation_history.json (is it a run directory "
        "of grokking train or distill?)",
        run_dir.string()));
  }
  const nlohmann::json doc = read_json_file(run.file);
  if (!doc.is_object()) throw Error(fmt::format("{}: expected a JSON object", run.file.string()));
  std::vector<std::string> columns = {"epoch", "train_acc", "val_acc", "train_loss", "val_loss"};
  for (const auto& [name, list] : doc.items())
    if (list.is_array() && std::find(columns.begin(), columns.end(), name) == columns.end())
      columns.push_back(name);
  // Runs resumed from older files have nulls in softmax_collapse for their first epochs.
  run.history = History::from_json(doc, columns, run.file.string(), {kSoftmaxCollapseColumn});
  const fs::path metadata = run_dir / "checkpoints" / "metadata.json";
  if (run.distillation && fs::exists(metadata)) {
    const nlohmann::json m = read_json_file(metadata);
    const nlohmann::json* names = m.contains("distillation") && m["distillation"].is_object() &&
                                          m["distillation"].contains("strategies")
                                      ? &m["distillation"]["strategies"]
                                      : nullptr;
    if (names && names->is_array() && names->size() == 1 && (*names)[0].is_string())
      run.strategy = (*names)[0].get<std::string>();
    else if (names && names->is_array() && names->size() > 1)
      run.strategy = kCombinedStrategy;
  }
  return run;
}

std::vector<std::string> run_labels(const std::vector<fs::path>& dirs) {
  std::vector<std::vector<std::string>> parts;
  for (const fs::path& d : dirs) {
    std::vector<std::string> p;
    for (const auto& c : fs::path(d).lexically_normal()) {
      const std::string s = c.string();
      if (!s.empty() && s != "/" && s != ".") p.push_back(s);
    }
    if (p.empty()) p.push_back(d.string());
    parts.push_back(std::move(p));
  }
  auto suffix = [&](std::size_t i, std::size_t k) {
    const auto& p = parts[i];
    k = std::min(k, p.size());
    std::string out;
    for (std::size_t j = p.size() - k; j < p.size(); ++j) out += (out.empty() ? "" : "/") + p[j];
    return out;
  };
  std::vector<std::string> labels(dirs.size());
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    for (std::size_t k = 1;; ++k) {
      const std::string mine = suffix(i, k);
      bool unique = true;
      for (std::size_t j = 0; j < dirs.size() && unique; ++j)
        if (j != i && suffix(j, k) == mine && parts[j] != parts[i]) unique = false;
      if (unique || k >= parts[i].size()) {
        labels[i] = mine;
        break;
      }
    }
  }
  return labels;
}

}  // namespace grok
