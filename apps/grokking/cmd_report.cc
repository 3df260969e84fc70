// grokking report EXPERIMENT_DIR: the paper's figures and tables of an experiment directory
// (teacher grokking dynamics, strategy comparison with bands across repeats, mechanistic bar
// charts, epochs to 99 %; trials, configurations, comparisons and mechanistic tables as
// Markdown, LaTeX and CSV) with a report.md linking them, in EXPERIMENT_DIR/report.
#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/core/threads.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/report.h"

namespace grok::cli {

int cmd_report(int argc, const char* const* argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::string out;
  ReportOptions report;
  bool no_analysis = false;
  int threads = 0;
  OptionSet options(
      "report",
      "Write the figures and tables of an experiment directory (of grokking experiment) into "
      "EXPERIMENT_DIR/report with a report.md that shows and links them. Figures (PNG and SVG, "
      "each with its gnuplot script and data): teacher_dynamics, strategy_comparison (mean val "
      "accuracy per configuration with a band across repeats: mean ± 1.96·sd/√n with at least 3 "
      "runs, else min–max), mechanistic (CKA with the teacher and effective rank per hidden "
      "state, attention entropy per layer, of the repeat-0 models on the validation split), "
      "epochs_to_99. Tables (Markdown, LaTeX, CSV): trials, configurations, comparisons (from "
      "statistics.json), mechanistic_table. A partial experiment gives a partial report that "
      "says what is missing. Needs gnuplot on PATH (Debian package gnuplot-nox).");
  options.positionals("EXPERIMENT_DIR", &paths, "the --out directory of grokking experiment", true);
  options.group("Analysis");
  options.add("max_examples", &report.analysis.max_examples,
              "analyse only the first N validation examples in split order (0: all)");
  options.add("threads", &threads, "threads (0: all cores)");
  options.add("no_analysis", &no_analysis, "skip the mechanistic analysis (figure and table)");
  options.group("Output");
  options.add("out", &out, "report directory (default: EXPERIMENT_DIR/report)");
  options.add("note", &report.note, "a paragraph placed under report.md's title");
  if (!options.parse(argc, argv)) return 0;
  if (paths.size() != 1)
    throw UsageError(fmt::format("report: expected one EXPERIMENT_DIR, got {}", paths.size()));
  if (threads < 0)
    throw UsageError(fmt::format("--threads {}: must be >= 0 (0: all cores)", threads));
  if (report.analysis.max_examples < 0)
    throw UsageError(
        fmt::format("--max_examples {}: must be >= 0 (0: all)", report.analysis.max_examples));
  report.mechanistic = !no_analysis;
  set_num_threads(threads);
  const fs::path dir = paths[0];
  const fs::path out_dir = out.empty() ? dir / "report" : fs::path(out);
  const ReportResult result = write_report(dir, out_dir, report);
  for (const std::string& f : result.figures)
    fmt::print("figure {} (.png, .svg, .gp, .dat)\n", (out_dir / f).string());
  for (const std::string& t : result.tables)
    fmt::print("table  {} (.md, .tex, .csv)\n", (out_dir / t).string());
  for (const std::string& m : result.missing) fmt::print("not produced: {}\n", m);
  fmt::print("wrote {}\n", (out_dir / "report.md").string());
  return 0;
}

}  // namespace grok::cli
