#include "grokking/report/report.h"

#include <fmt/format.h>

#include <map>

#include "grokking/core/atomic_file.h"
#include "grokking/report/experiment_data.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/mechanistic_report.h"
#include "grokking/report/report_figures.h"
#include "grokking/report/report_tables.h"
#include "grokking/report/table.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

std::string task_text(const nlohmann::json& task) {
  if (!task.is_object()) return "";
  return fmt::format("; task: p = {}, operation {}, train fraction {}, split seed {}",
                     task.value("p", 0), task.value("operation", std::string("?")),
                     task.value("train_fraction", 0.0), task.value("seed", uint64_t{0}));
}

std::string status_text(const ExperimentData& data) {
  std::map<std::string, int> counts;
  for (const ReportTrial& t : data.trials) ++counts[t.status];
  std::string others;
  for (const auto& [status, n] : counts)
    if (status != "completed") others += fmt::format(", {} {}", n, status);
  return fmt::format("{} of {} trials completed{}", data.completed(), data.trials.size(), others);
}

std::string figure_section(const ReportFigure& f, int number) {
  return fmt::format(
      "### Figure {}. {}\n\n![{}]({}.png)\n\n*Figure {}.* {} "
      "([SVG]({}.svg) · [gnuplot script]({}.gp) · [data]({}.dat))\n\n",
      number, f.title, f.title, f.stem, number, f.caption, f.stem, f.stem, f.stem);
}

std::string table_section(const Table& t, const std::string& title, const std::string& stem,
                          int number) {
  return fmt::format(
      "### Table {}. {}\n\n*Table {}.* {} ([CSV]({}.csv) · [LaTeX]({}.tex) · "
      "[Markdown]({}.md))\n\n{}\n",
      number, title, number, t.caption, stem, stem, stem, to_markdown(t));
}

}  // namespace

ReportResult write_report(const fs::path& experiment_dir, const fs::path& out_dir,
                          const ReportOptions& options) {
  find_gnuplot();  // fail before writing anything
  const ExperimentData data = read_experiment(experiment_dir);
  ReportResult result;
  result.dir = out_dir;
  fs::create_directories(out_dir);

  std::vector<ReportFigure> figures = {plot_teacher_dynamics(data, out_dir),
                                       plot_strategy_comparison(data, out_dir)};
  std::optional<MechanisticReport> mechanistic;
  if (options.mechanistic) {
    mechanistic = mechanistic_report(data, out_dir, options.analysis);
    figures.push_back(mechanistic->figure);
  } else {
    figures.push_back({"", "Mechanistic measures", "", "skipped (--no_analysis)"});
  }
  figures.push_back(plot_epochs_to_99(data, out_dir));

  struct NamedTable {
    std::string title, stem;
    std::optional<Table> table;
    std::string why_missing;
  };
  std::vector<NamedTable> tables = {
      {"Trials", "trials", trials_table(data), ""},
      {"Configurations", "configurations", configurations_table(data),
       "statistics.json is missing or lists no configuration"},
      {"Comparisons", "comparisons", comparisons_table(data),
       "statistics.json is missing or lists no comparison"},
      {"Mechanistic measures", "mechanistic_table", mechanistic ? mechanistic->table : std::nullopt,
       mechanistic ? mechanistic->figure.note : std::string("skipped (--no_analysis)")},
  };
  for (const NamedTable& t : tables) {
    if (!t.table) continue;
    write_table(*t.table, out_dir, t.stem);
    result.tables.push_back(t.stem);
  }

  std::string md = fmt::format("# Experiment report: {}\n\n",
                               fs::absolute(experiment_dir).lexically_normal().filename().string());
  if (!options.note.empty()) md += options.note + "\n\n";
  const std::string definition =
      data.tolerance && data.min_delay
          ? fmt::format(
                "generalised = validation accuracy ≥ {0} % at the end and never more than {1} "
                "points below {0} % after first reaching it; grokked = generalised, with "
                "validation reaching {0} % at least {2} epochs after training did",
                100 * data.threshold, 100 * *data.tolerance, *data.min_delay)
          : fmt::format("grokked = validation accuracy ≥ {} % for {} consecutive epochs",
                        100 * data.threshold, data.window);
  md += fmt::format(
      "Source: `{}`; {}{}; {}. "
      "Written by `grokking report` (grokking {}). Each figure is a PNG with an SVG, the gnuplot "
      "script and its data beside it (edit the `.gp` file and run `gnuplot NAME.gp` here to "
      "restyle it); each table is Markdown, LaTeX and CSV.\n\n",
      experiment_dir.string(), status_text(data), task_text(data.task), definition, GROK_VERSION);
  md += "## Figures\n\n";
  int number = 0;
  for (const ReportFigure& f : figures) {
    if (f.stem.empty()) {
      result.missing.push_back(fmt::format("figure '{}': {}", f.title, f.note));
      continue;
    }
    md += figure_section(f, ++number);
    result.figures.push_back(f.stem);
  }
  md += "## Tables\n\n";
  number = 0;
  for (const NamedTable& t : tables) {
    if (!t.table) {
      result.missing.push_back(fmt::format("table '{}': {}", t.title, t.why_missing));
      continue;
    }
    md += table_section(*t.table, t.title, t.stem, ++number);
  }
  if (mechanistic && !mechanistic->json_file.empty())
    md += fmt::format(
        "The full analysis (singular values, per-position entropies, weight "
        "statistics, Fourier spectra) is in [{}]({}).\n\n",
        mechanistic->json_file, mechanistic->json_file);
  if (!result.missing.empty()) {
    md += "## Not produced\n\n";
    for (const std::string& m : result.missing) md += "- " + m + "\n";
    md += "\n";
  }
  write_file_atomic(out_dir / "report.md", md);
  return result;
}

}  // namespace grok
