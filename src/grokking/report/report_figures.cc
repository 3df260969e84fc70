#include "grokking/report/report_figures.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/report/band.h"
#include "grokking/report/data_file.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/plot_style.h"
#include "grokking/report/run_history.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

struct TrialHistory {
  const ReportTrial* trial;
  RunHistory run;
};

// Completed trials of `pred` whose history can be read (the others are listed in `skipped`).
template <typename Pred>
std::vector<TrialHistory> histories(const ExperimentData& data, Pred pred,
                                    std::vector<std::string>* skipped) {
  std::vector<TrialHistory> out;
  for (const ReportTrial& t : data.trials) {
    if (!t.completed() || !pred(t)) continue;
    try {
      out.push_back({&t, read_run_history(t.run_dir)});
    } catch (const Error& e) {
      if (skipped) skipped->push_back(fmt::format("{} ({})", t.id, e.what()));
    }
  }
  return out;
}

std::string join_notes(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

// 0xRRGGBB of "#rrggbb", for gnuplot's `lc rgb variable`.
double colour_value(const std::string& hex) {
  return static_cast<double>(std::stoul(hex.substr(1), nullptr, 16));
}

std::string file_of(const std::string& stem) { return gnuplot_string(stem + ".dat"); }

}  // namespace

ReportFigure plot_teacher_dynamics(const ExperimentData& data, const fs::path& dir) {
  ReportFigure fig{"teacher_dynamics", "Teacher grokking dynamics", "", ""};
  std::vector<std::string> skipped;
  const auto teachers = histories(
      data, [](const ReportTrial& t) { return t.kind == "teacher"; }, &skipped);
  if (teachers.empty()) {
    fig.stem.clear();
    fig.note = "no completed teacher with a training history" +
               (skipped.empty() ? std::string() : ": " + join_notes(skipped));
    return fig;
  }
  DataFile file({"epoch", "train_acc_pct", "val_acc_pct", "val_loss", "weight_norm"});
  std::vector<std::string> grok_epochs;
  for (const TrialHistory& h : teachers) {
    file.add_block(fmt::format("{} (seed {})", h.trial->id, h.trial->seed));
    const auto& epoch = h.run.column("epoch");
    const std::vector<double> none(epoch.size(), std::nan(""));
    const auto& norm = h.run.has("weight_norm") ? h.run.column("weight_norm") : none;
    for (std::size_t i = 0; i < epoch.size(); ++i) {
      const double row[] = {epoch[i], 100 * h.run.column("train_acc")[i],
                            100 * h.run.column("val_acc")[i], h.run.column("val_loss")[i], norm[i]};
      file.add_row(row);
    }
    const auto grok = h.run.first_epoch_reaching();
    grok_epochs.push_back(grok ? std::to_string(*grok) : "never");
  }
  fs::create_directories(dir);
  write_file_atomic(dir / (fig.stem + ".dat"), file.text());

  auto colour = [&](std::size_t i) {
    return teachers.size() == 1 ? strategy_colour("teacher") : palette_colour(static_cast<int>(i));
  };
  const std::string f = file_of(fig.stem);
  std::string b = fmt::format(
      "  set multiplot layout 1,3 title {} font \",13\"\n",
      gnuplot_string(fmt::format("teacher grokking dynamics: {} seed{}; val ≥ 99 % at epoch{} {}",
                                 teachers.size(), teachers.size() == 1 ? "" : "s",
                                 teachers.size() == 1 ? "" : "s", fmt::join(grok_epochs, ", "))));
  b += log_epoch_axis();
  b += "  set title \"accuracy (dashed: train, solid: validation)\"\n";
  b += "  set ylabel \"accuracy (%)\"\n  set yrange [0:102]\n  set key top left\n";
  for (std::size_t i = 0; i < teachers.size(); ++i)
    if (auto g = teachers[i].run.first_epoch_reaching()) b += epoch_marker(*g, colour(i));
  std::string acc = "  plot ", loss = "  plot ", norm = "  plot ";
  for (std::size_t i = 0; i < teachers.size(); ++i) {
    const std::string sep = i ? ", \\\n       " : "";
    const std::string src = fmt::format("{} index {}", i ? "\"\"" : f, i);
    const auto grok = teachers[i].run.first_epoch_reaching();
    const std::string seed = fmt::format("seed {}", teachers[i].trial->seed);
    acc += fmt::format(
        "{}{} using 1:2 with lines lw 1.5 dt 2 lc rgb \"{}\" notitle, \"\" index {} using 1:3 "
        "with lines lw 2 lc rgb \"{}\" title {}",
        sep, src, colour(i), i, colour(i),
        gnuplot_string(seed + (grok ? fmt::format(" (99 % at epoch {})", *grok)
                                    : std::string(" (never 99 %)"))));
    loss += fmt::format("{}{} using 1:4 with lines lw 2 lc rgb \"{}\" title {}", sep, src,
                        colour(i), gnuplot_string(seed));
    norm += fmt::format("{}{} using 1:5 with lines lw 2 lc rgb \"{}\" title {}", sep, src,
                        colour(i), gnuplot_string(seed));
  }
  b += acc + "\n  unset arrow\n  set autoscale y\n";
  b += "  set title \"validation loss\"\n  set ylabel \"cross-entropy (nats, log scale)\"\n";
  b += "  set logscale y 10\n  set key bottom left\n" + loss + "\n";
  b += "  unset logscale y\n  set title \"weight norm\"\n";
  b += "  set ylabel \"L2 norm of all parameters\"\n  set key top right\n" + norm + "\n";
  b += "  unset multiplot\n";
  render_figure(dir, fig.stem, "teacher grokking dynamics", b, {1500, 520});
  fig.caption = fmt::format(
      "Training (dashed) and validation (solid) accuracy, validation loss and weight norm of "
      "the teacher against epoch (log scale) for {} seed{}, dotted lines marking the first "
      "epoch with validation accuracy ≥ 99 %{}.",
      teachers.size(), teachers.size() == 1 ? "" : "s",
      skipped.empty() ? "" : " (not drawn: " + join_notes(skipped) + ")");
  return fig;
}

ReportFigure plot_strategy_comparison(const ExperimentData& data, const fs::path& dir) {
  ReportFigure fig{"strategy_comparison", "Strategy comparison", "", ""};
  std::vector<std::string> skipped;
  const auto runs = histories(
      data, [](const ReportTrial&) { return true; }, &skipped);
  std::set<double, std::greater<>> scales;
  for (const TrialHistory& h : runs)
    if (h.trial->kind != "teacher") scales.insert(h.trial->overall_scale);
  if (runs.empty() || scales.empty()) {
    fig.stem.clear();
    fig.note = "no completed student or control with a history" +
               (skipped.empty() ? std::string() : ": " + join_notes(skipped));
    return fig;
  }
  // One block per configuration: its band.
  DataFile file({"epoch", "n", "mean_val_acc_pct", "lower_pct", "upper_pct"});
  struct Curve {
    std::string configuration;
    const ReportTrial* first = nullptr;
    int block = 0;
    int runs = 0;
  };
  std::vector<Curve> curves;
  std::set<BandKind> kinds;
  for (const std::string& c : data.configurations()) {
    std::vector<Series> series;
    const ReportTrial* first = nullptr;
    for (const TrialHistory& h : runs) {
      if (h.trial->configuration != c) continue;
      if (!first) first = h.trial;
      Series s{h.run.column("epoch"), h.run.column("val_acc")};
      for (double& y : s.y) y *= 100;
      series.push_back(std::move(s));
    }
    if (series.empty()) continue;
    const Band band = mean_band(series, 0, 100);
    kinds.insert(band.kind);
    const int block =
        file.add_block(fmt::format("{}: {} runs, band {}", c, band.runs, describe(band.kind)));
    for (const BandPoint& p : band.points) {
      const double row[] = {p.x, static_cast<double>(p.n), p.mean, p.lower, p.upper};
      file.add_row(row);
    }
    curves.push_back({c, first, block, band.runs});
  }
  fs::create_directories(dir);
  write_file_atomic(dir / (fig.stem + ".dat"), file.text());

  const std::string f = file_of(fig.stem);
  const int panels = static_cast<int>(scales.size());
  const std::string band_title =
      kinds.size() == 1 ? describe(*kinds.begin())
                        : fmt::format("{} with ≥ {} runs, else {}", describe(BandKind::kNormal95),
                                      kBandMinRunsForInterval, describe(BandKind::kMinMax));
  std::string b = fmt::format(
      "  set multiplot layout 1,{} title {} font \",13\"\n", panels,
      gnuplot_string(fmt::format(
          "strategy comparison: mean validation accuracy across repeats\nband: {}", band_title)));
  b += log_epoch_axis();
  b += "  set ylabel \"validation accuracy (%)\"\n  set yrange [0:102]\n  set key top left\n";
  b += "  set style fill transparent solid 0.18 noborder\n";
  for (double scale : scales) {
    b += fmt::format("  set title {}\n",
                     gnuplot_string(fmt::format("students and control at {} the teacher's width",
                                                format_scale(scale))));
    std::string cmd = "  plot ";
    bool first_item = true;
    for (const Curve& c : curves) {
      const ReportTrial& t = *c.first;
      if (t.kind != "teacher" && t.overall_scale != scale) continue;
      const std::string colour = strategy_colour(t.colour_key);
      const int dash = t.kind == "student" ? 1 + t.round : 1;
      cmd += fmt::format(
          "{}{} index {} using 1:4:5 with filledcurves fc rgb \"{}\" notitle, \\\n"
          "       \"\" index {} using 1:3 with lines lw 2 dt {} lc rgb \"{}\" title {}",
          first_item ? "" : ", \\\n       ", first_item ? f : "\"\"", c.block, colour, c.block,
          dash, colour,
          gnuplot_string(fmt::format("{} ({} run{})", t.label, c.runs, c.runs == 1 ? "" : "s")));
      first_item = false;
    }
    b += cmd + "\n";
  }
  b += "  unset multiplot\n";
  render_figure(dir, fig.stem, "strategy comparison: mean validation accuracy per configuration", b,
                {panels == 1 ? 1000 : 700 * std::min(panels, 3), 650});
  std::string band_text;
  if (kinds.size() == 1) {
    band_text = "the band is the " + describe(*kinds.begin());
  } else {
    band_text = fmt::format(
        "the band is the {} for configurations with at least {} runs and the "
        "{} for the others",
        describe(BandKind::kNormal95), kBandMinRunsForInterval, describe(BandKind::kMinMax));
  }
  fig.caption = fmt::format(
      "Mean validation accuracy against epoch (log scale) of each configuration (students by "
      "strategy, the from-scratch control and the teacher; later recursion rounds dashed), "
      "where {}{}.",
      band_text, skipped.empty() ? "" : " (not drawn: " + join_notes(skipped) + ")");
  return fig;
}

ReportFigure plot_epochs_to_99(const ExperimentData& data, const fs::path& dir) {
  ReportFigure fig{"epochs_to_99", "Epochs to 99 % validation accuracy", "", ""};
  DataFile file({"configuration", "x", "epoch", "colour", "seed"});
  std::vector<std::string> tics;
  std::vector<std::string> configurations;
  for (const std::string& c : data.configurations()) {
    bool any = false;
    for (const ReportTrial* t : data.trials_of(c)) any = any || t->completed();
    if (any) configurations.push_back(c);
  }
  if (configurations.empty()) {
    fig.stem.clear();
    fig.note = "no completed trial";
    return fig;
  }
  struct Row {
    std::string label;
    double x, y, colour, seed;
  };
  std::vector<Row> reached, censored, means;
  for (std::size_t k = 0; k < configurations.size(); ++k) {
    std::vector<const ReportTrial*> done;
    for (const ReportTrial* t : data.trials_of(configurations[k]))
      if (t->completed()) done.push_back(t);
    const ReportTrial& first = *done.front();
    tics.push_back(fmt::format("{} {}", gnuplot_string(first.label), k));
    const double colour = colour_value(strategy_colour(first.colour_key));
    double sum = 0;
    int n = 0;
    for (std::size_t i = 0; i < done.size(); ++i) {
      const double jitter =
          done.size() > 1 ? 0.16 * (static_cast<double>(i) / (done.size() - 1) - 0.5) : 0.0;
      const double x = static_cast<double>(k) + jitter;
      const double seed = static_cast<double>(done[i]->seed);
      if (done[i]->epoch_to_99) {
        reached.push_back(
            {first.label, x, static_cast<double>(*done[i]->epoch_to_99), colour, seed});
        sum += static_cast<double>(*done[i]->epoch_to_99);
        ++n;
      } else {
        censored.push_back(
            {first.label, x, static_cast<double>(done[i]->epoch_budget), colour, seed});
      }
    }
    if (n > 0) means.push_back({first.label, static_cast<double>(k), sum / n, colour, NAN});
  }
  for (const auto* rows : {&reached, &censored, &means}) {
    file.add_block(rows == &reached    ? "runs that reached 99 %: epoch of first val acc >= 99 %"
                   : rows == &censored ? "runs that never reached 99 %: their epoch budget"
                                       : "mean over the runs that reached 99 %");
    for (const Row& r : *rows) {
      const double values[] = {r.x, r.y, r.colour, r.seed};
      file.add_row(r.label, values);
    }
  }
  fs::create_directories(dir);
  write_file_atomic(dir / (fig.stem + ".dat"), file.text());

  const std::string f = file_of(fig.stem);
  const int n = static_cast<int>(configurations.size());
  std::string b = fmt::format("  set title {} font \",13\"\n",
                              gnuplot_string("epochs to 99 % validation accuracy per strategy "
                                             "and scale"));
  b += fmt::format("  set xrange [-0.6:{}]\n", n - 0.4);
  b += fmt::format("  set xtics ({}){}\n  unset mxtics\n", fmt::join(tics, ", "),
                   n > 5 ? " rotate by -25" : "");
  b += "  set grid noxtics ytics\n";
  b += "  set xlabel \"configuration (strategy and width relative to the teacher)\"\n";
  b += "  set ylabel \"epoch of first validation accuracy ≥ 99 %\"\n";
  b += "  set yrange [0:*]\n  set offsets 0, 0, graph 0.1, 0\n";
  // The legend under the x label (`set key below` would overlap the label).
  b += fmt::format("  set bmargin {}\n", n > 5 ? 12 : 9);
  b += "  set key at screen 0.5, 0.01 center bottom vertical\n";
  b += fmt::format(
      "  plot {} index 0 using 2:3:4 with points pt 7 ps 1.5 lc rgb variable notitle, \\\n"
      "       \"\" index 1 using 2:3:4 with points pt 8 ps 1.7 lw 2 lc rgb variable notitle, \\\n"
      "       \"\" index 2 using 2:3:(0.3):4 with xerrorbars pt 0 lw 3 lc rgb variable notitle, "
      "\\\n"
      "       NaN with points pt 7 ps 1.5 lc rgb \"#404040\" title \"one run (seed)\", \\\n"
      "       NaN with points pt 8 ps 1.7 lw 2 lc rgb \"#404040\" title "
      "\"never reached 99 % (drawn at its epoch budget)\", \\\n"
      "       NaN with lines lw 3 lc rgb \"#404040\" title \"mean of the runs that reached 99 "
      "%\"\n",
      f);
  render_figure(dir, fig.stem, "epochs to 99 % validation accuracy per configuration", b,
                {std::max(900, 110 * n + 300), 650});
  fig.caption =
      "Epoch at which each run's validation accuracy first reached 99 % (filled circles, one "
      "per seed, coloured by strategy), the mean over the runs that reached it (bar), and runs "
      "that never reached it drawn at their epoch budget (open triangles).";
  return fig;
}

}  // namespace grok
