#include "grokking/report/run_plots.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/report/data_file.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/plot_style.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTrainColour = "#D55E00";
constexpr const char* kValColour = "#0072B2";
constexpr const char* kGrokColour = "#CC0000";

std::string grok_text(const std::optional<int64_t>& epoch) {
  return epoch ? fmt::format("val ≥ 99 % at epoch {}", *epoch) : "val never reached 99 %";
}

std::string quoted_file(const std::string& stem) { return gnuplot_string(stem + ".dat"); }

// Whether every finite value of the columns is > 0 (log axis possible) and one is finite.
bool all_positive(const RunHistory& run, const std::vector<std::string>& names) {
  bool any = false;
  for (const std::string& n : names) {
    for (double v : run.column(n)) {
      if (!std::isfinite(v)) continue;
      if (v <= 0) return false;
      any = true;
    }
  }
  return any;
}

}  // namespace

std::string training_curves_data(const RunHistory& run) {
  DataFile data(
      {"epoch", "train_acc_pct", "val_acc_pct", "train_loss", "val_loss", "weight_norm", "lr"});
  data.add_block(fmt::format("training curves of {}", run.dir.string()));
  const auto& epoch = run.column("epoch");
  const std::vector<double> none(epoch.size(), std::nan(""));
  const auto& norm = run.has("weight_norm") ? run.column("weight_norm") : none;
  const auto& lr = run.has("lr") ? run.column("lr") : none;
  for (std::size_t i = 0; i < epoch.size(); ++i) {
    const double row[] = {epoch[i],
                          100 * run.column("train_acc")[i],
                          100 * run.column("val_acc")[i],
                          run.column("train_loss")[i],
                          run.column("val_loss")[i],
                          norm[i],
                          lr[i]};
    data.add_row(row);
  }
  return data.text();
}

void plot_training_curves(const RunHistory& run, const std::string& label, const fs::path& dir,
                          const std::string& stem) {
  fs::create_directories(dir);
  write_file_atomic(dir / (stem + ".dat"), training_curves_data(run));
  const auto grok = run.first_epoch_reaching();
  const std::string file = quoted_file(stem);
  const std::string verb = run.distillation ? "distillation" : "training";
  std::string b;
  b += fmt::format("  set multiplot layout 2,2 title {} font \",13\"\n",
                   gnuplot_string(fmt::format("{} curves of {}: {} epochs, {}", verb, label,
                                              run.size(), grok_text(grok))));
  b += log_epoch_axis();
  // (a) accuracy with the grok epoch.
  b += "  set title \"accuracy\"\n  set ylabel \"accuracy (%)\"\n  set yrange [0:102]\n";
  b += "  set key top left\n";
  std::string marker_key;
  if (grok) {
    b += epoch_marker(static_cast<double>(*grok), kGrokColour);
    marker_key = fmt::format(", NaN with lines dt 3 lw 2 lc rgb \"{}\" title {}", kGrokColour,
                             gnuplot_string(grok_text(grok)));
  }
  b += fmt::format(
      "  plot {} using 1:2 with lines lw 2 dt 2 lc rgb \"{}\" title \"train\", \\\n"
      "       \"\" using 1:3 with lines lw 2 lc rgb \"{}\" title \"val\"{}\n",
      file, kTrainColour, kValColour, marker_key);
  b += "  unset arrow\n  set autoscale y\n";
  // (b) losses.
  const bool log_loss = all_positive(run, {"train_loss", "val_loss"});
  b += fmt::format("  set title \"loss\"\n  set ylabel \"{}\"\n",
                   run.distillation
                       ? (log_loss ? "loss (log scale)" : "loss")
                       : (log_loss ? "cross-entropy (nats, log scale)" : "cross-entropy (nats)"));
  if (log_loss) b += "  set logscale y 10\n  set format y \"%g\"\n";
  b += "  set key bottom left\n";
  b += fmt::format(
      "  plot {} using 1:4 with lines lw 2 dt 2 lc rgb \"{}\" title \"{}\", \\\n"
      "       \"\" using 1:5 with lines lw 2 lc rgb \"{}\" title \"val cross-entropy\"\n",
      file, kTrainColour, run.distillation ? "train objective" : "train cross-entropy", kValColour);
  b += "  unset logscale y\n  set format y \"%g\"\n  set key off\n";
  // (c) weight norm, (d) learning rate.
  b += "  set title \"weight norm\"\n  set ylabel \"L2 norm of all parameters\"\n";
  b += fmt::format("  plot {} using 1:6 with lines lw 2 lc rgb \"#333333\" notitle\n", file);
  b += "  set title \"learning rate\"\n  set ylabel \"learning rate\"\n";
  b += "  set yrange [0:*]\n  set offsets 0, 0, graph 0.08, 0\n  set format y \"%.2g\"\n";
  b += fmt::format("  plot {} using 1:7 with lines lw 2 lc rgb \"#333333\" notitle\n", file);
  b += "  unset multiplot\n";
  render_figure(dir, stem,
                fmt::format("{} curves of {} (accuracy, loss, weight norm, lr)", verb, label), b,
                {1100, 800});
}

void plot_distillation_losses(const RunHistory& run, const std::string& label, const fs::path& dir,
                              const std::string& stem) {
  GROK_CHECK(run.distillation, "{} is not a distillation run", run.dir.string());
  struct Component {
    std::string column;
    std::string title;
    std::string colour;
    int dash;
  };
  // One panel per split; the same terms on each (the student's validation CE is val_loss).
  auto terms = [](const std::string& split) {
    const bool val = split == "val_";
    std::vector<Component> all;
    if (!val) all.push_back({"train_loss", "total objective", "#000000", 1});
    all.push_back({val ? "val_loss" : "ce_loss", "cross-entropy with labels (nats)", "#808080", 2});
    all.push_back({split + "teacher_ce_loss", "the teacher's own cross-entropy", "#000000", 3});
    for (const StrategyInfo& s : strategy_table())
      all.push_back({split + s.loss_column(), s.label, strategy_colour(s.name), 1});
    all.push_back({split + "logit_kl", "logit KL without τ²", strategy_colour("logit"), 4});
    return all;
  };
  auto drawn_of = [&](const std::vector<Component>& all) {
    std::vector<Component> drawn;
    for (const Component& c : all) {
      if (!run.has(c.column)) continue;
      const auto& v = run.column(c.column);
      if (std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x) && x != 0; }))
        drawn.push_back(c);
    }
    return drawn;
  };
  const std::vector<Component> panels[2] = {drawn_of(terms("")), drawn_of(terms("val_"))};
  std::vector<std::string> columns = {"epoch"};
  for (const auto& panel : panels)
    for (const Component& c : panel) columns.push_back(c.column);
  DataFile data(columns);
  data.add_block(fmt::format("distillation loss components of {}", run.dir.string()));
  const auto& epoch = run.column("epoch");
  for (std::size_t i = 0; i < epoch.size(); ++i) {
    std::vector<double> row = {epoch[i]};
    for (const auto& panel : panels)
      for (const Component& c : panel) row.push_back(run.column(c.column)[i]);
    data.add_row(row);
  }
  fs::create_directories(dir);
  write_file_atomic(dir / (stem + ".dat"), data.text());

  std::string b =
      fmt::format("  set multiplot layout 1,2 title {} font \",13\"\n",
                  gnuplot_string(fmt::format("distillation loss components of {}", label)));
  b += log_epoch_axis();
  const char* const titles[2] = {"training split (epoch means of the batches)",
                                 "validation split (after each epoch)"};
  std::size_t first_column = 2;  // the panel's first column in the data file
  for (int p = 0; p < 2; ++p) {
    const std::vector<Component>& drawn = panels[p];
    std::vector<std::string> names;
    for (const Component& c : drawn) names.push_back(c.column);
    const bool log_y = !names.empty() && all_positive(run, names);
    b += fmt::format("  set title \"{}\"\n  set ylabel \"{}\"\n", titles[p],
                     log_y ? "loss (log scale)" : "loss");
    b += log_y ? "  set logscale y 10\n  set format y \"%g\"\n"
               : "  unset logscale y\n  set format y \"%g\"\n";
    b += "  set key below maxrows 3\n  set bmargin 9\n";
    if (drawn.empty()) {
      b += "  set yrange [0:1]\n  plot NaN title \"no loss component in this history\"\n";
      b += "  set autoscale y\n";
      continue;
    }
    b += "  plot ";
    for (std::size_t i = 0; i < drawn.size(); ++i)
      b += fmt::format("{}{} using 1:{} with lines lw 2 dt {} lc rgb \"{}\" title {}",
                       i ? ", \\\n       " : "", quoted_file(stem), first_column + i, drawn[i].dash,
                       drawn[i].colour, gnuplot_string(drawn[i].title));
    b += "\n";
    first_column += drawn.size();
  }
  b += "  unset multiplot\n";
  render_figure(dir, stem, fmt::format("distillation loss components of {}", label), b,
                {1500, 720});
}

void plot_run_comparison(const std::vector<RunHistory>& runs,
                         const std::vector<std::string>& labels, const fs::path& dir,
                         const std::string& stem) {
  GROK_CHECK(runs.size() == labels.size() && !runs.empty());
  // Strategy colours when each run names a different strategy; else the run palette.
  std::set<std::string> strategies;
  for (const RunHistory& run : runs) strategies.insert(run.strategy);
  const bool by_strategy = !strategies.count("") && strategies.size() == labels.size();
  DataFile data({"epoch", "train_acc_pct", "val_acc_pct"});
  for (std::size_t r = 0; r < runs.size(); ++r) {
    data.add_block(fmt::format("{} ({})", labels[r], runs[r].dir.string()));
    const auto& epoch = runs[r].column("epoch");
    for (std::size_t i = 0; i < epoch.size(); ++i) {
      const double row[] = {epoch[i], 100 * runs[r].column("train_acc")[i],
                            100 * runs[r].column("val_acc")[i]};
      data.add_row(row);
    }
  }
  fs::create_directories(dir);
  write_file_atomic(dir / (stem + ".dat"), data.text());

  auto plot_command = [&](int column, bool with_grok) {
    std::string cmd = "  plot ";
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const std::string colour =
          by_strategy ? strategy_colour(runs[r].strategy) : palette_colour(static_cast<int>(r));
      const std::string title =
          with_grok
              ? fmt::format("{} ({})", labels[r],
                            runs[r].first_epoch_reaching()
                                ? fmt::format("99 % at epoch {}", *runs[r].first_epoch_reaching())
                                : "never 99 %")
              : labels[r];
      cmd += fmt::format("{}{} index {} using 1:{} with lines lw 2 lc rgb \"{}\" title {}",
                         r ? ", \\\n       " : "", r ? "\"\"" : quoted_file(stem), r, column,
                         colour, gnuplot_string(title));
    }
    return cmd + "\n";
  };
  std::string b = fmt::format("  set multiplot layout 1,2 title {} font \",13\"\n",
                              gnuplot_string(fmt::format("accuracy of {} runs", runs.size())));
  b += log_epoch_axis();
  b += "  set ylabel \"accuracy (%)\"\n  set yrange [0:102]\n  set key top left\n";
  b += "  set title \"validation accuracy\"\n" + plot_command(3, true);
  b += "  set title \"training accuracy\"\n" + plot_command(2, false);
  b += "  unset multiplot\n";
  render_figure(dir, stem, fmt::format("validation and training accuracy of {} runs", runs.size()),
                b, {1300, 600});
}

std::vector<std::string> plot_runs(const std::vector<fs::path>& run_dirs, const fs::path& out_dir) {
  GROK_CHECK(!run_dirs.empty());
  std::vector<RunHistory> runs;
  for (const fs::path& d : run_dirs) runs.push_back(read_run_history(d));
  std::vector<std::string> labels = run_labels(run_dirs);
  std::vector<std::string> stems;
  if (runs.size() == 1) {
    plot_training_curves(runs[0], labels[0], out_dir);
    stems.push_back("training_curves");
    if (runs[0].distillation) {
      plot_distillation_losses(runs[0], labels[0], out_dir);
      stems.push_back("distillation_losses");
    }
  } else {
    plot_run_comparison(runs, labels, out_dir);
    stems.push_back("comparison");
  }
  return stems;
}

}  // namespace grok
