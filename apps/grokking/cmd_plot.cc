// grokking plot RUN_DIR... [--out DIR]: figures of training and distillation runs drawn by
// gnuplot — for one run its training curves (and, for a distillation run, its loss
// components), for several runs a comparison of their accuracy curves. Each figure is written
// as PNG and SVG beside its gnuplot script and data, so that users can restyle it.
#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/run_plots.h"

namespace grok::cli {

int cmd_plot(int argc, const char* const* argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::string out;
  OptionSet options(
      "plot",
      "Draw figures of run directories (of grokking train or distill) with gnuplot. One run: "
      "training_curves (train/val accuracy on a log-epoch axis with the epoch val accuracy "
      "first reaches 99 % marked, losses, weight norm, learning rate) and, for a distillation "
      "run, distillation_losses (its loss components). Several runs: comparison (val and train "
      "accuracy of every run, labelled by run name). Each figure is written as <name>.png and "
      "<name>.svg with its gnuplot script <name>.gp and data <name>.dat: edit the script and "
      "re-run `gnuplot <name>.gp` in that directory to restyle it. Needs gnuplot on PATH "
      "(Debian package gnuplot-nox).");
  options.positionals("RUN_DIR", &paths, "run directories to plot", true);
  options.group("Output");
  options.add("out", &out, "directory for the figures (default: RUN_DIR/plots of the first run)");
  if (!options.parse(argc, argv)) return 0;
  if (paths.empty()) throw UsageError("plot: expected at least one RUN_DIR");
  find_gnuplot();  // fail before writing anything
  std::vector<fs::path> dirs(paths.begin(), paths.end());
  const fs::path out_dir = out.empty() ? dirs[0] / "plots" : fs::path(out);
  const std::vector<std::string> stems = plot_runs(dirs, out_dir);
  for (const std::string& stem : stems)
    fmt::print("wrote {} (.png, .svg, .gp, .dat)\n", (out_dir / stem).string());
  return 0;
}

}  // namespace grok::cli
