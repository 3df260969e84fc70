#include "grokking/report/progress_figure.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "grokking/core/atomic_file.h"
#include "grokking/report/data_file.h"
#include "grokking/report/gnuplot.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTrain = "#D55E00";
constexpr const char* kVal = "#0072B2";

// Blocks: 0 the history (epoch, train_acc %, val_acc %, train_loss, val_loss), 1 the
// checkpoints (epoch, train/val loss, restricted and excluded, gini).
std::string progress_data(const ProgressMeasures& m) {
  DataFile file({"epoch", "a", "b", "c", "d", "e", "f", "g"});
  file.add_block("history: epoch train_acc(%) val_acc(%) train_loss val_loss");
  const History& h = m.history;
  for (std::size_t i = 0; i < h.rows(); ++i)
    file.add_row(std::vector<double>{h.column("epoch")[i], 100 * h.column("train_acc")[i],
                                     100 * h.column("val_acc")[i], h.column("train_loss")[i],
                                     h.column("val_loss")[i], 0, 0, 0});
  file.add_block(
      "checkpoints: epoch train_loss val_loss train_restricted val_restricted train_excluded "
      "val_excluded gini");
  for (const ProgressPoint& p : m.points)
    file.add_row(std::vector<double>{static_cast<double>(p.epoch), p.train.loss, p.val.loss,
                                     p.train.restricted, p.val.restricted, p.train.excluded,
                                     p.val.excluded, p.embedding.gini});
  return file.text();
}

// Shaded phase spans (gnuplot rectangles in graph y, first x), with their names on top.
std::string phase_spans(const ProgressMeasures& m) {
  const double start = m.history.rows() ? m.history.column("epoch").front() - 1 : 0;
  const auto& ph = m.phases;
  struct Span {
    std::optional<int64_t> from_epoch;
    double from;
    std::optional<int64_t> to;
    const char* name;
    const char* colour;
  };
  std::string out;
  // Sequential: circuit formation and cleanup start no earlier than the phase before ends.
  const std::optional<int64_t> cleanup_start =
      ph.train_fit && ph.val_rise ? std::optional<int64_t>(std::max(*ph.train_fit, *ph.val_rise))
                                  : std::nullopt;
  const Span spans[] = {{std::optional<int64_t>(0), start, ph.train_fit, "memorisation", "#F0E0D0"},
                        {ph.train_fit, ph.train_fit ? static_cast<double>(*ph.train_fit) : 0,
                         cleanup_start, "circuit formation", "#E0ECF4"},
                        {cleanup_start, cleanup_start ? static_cast<double>(*cleanup_start) : 0,
                         ph.generalised, "cleanup", "#E5F5E0"}};
  int id = 1;
  for (const Span& s : spans) {
    if (!s.from_epoch || !s.to || static_cast<double>(*s.to) <= s.from) continue;
    out += fmt::format(
        "  set object {} rect from first {}, graph 0 to first {}, graph 1 fc rgb \"{}\" "
        "fs solid 0.6 noborder behind\n",
        id++, s.from, *s.to, s.colour);
    out += fmt::format("  set label {} \"{}\" at first {}, graph 0.96 center font \",9\"\n", id++,
                       s.name, 0.5 * (s.from + static_cast<double>(*s.to)));
  }
  return out;
}

}  // namespace

void plot_progress_measures(const ProgressMeasures& m, const fs::path& dir,
                            const std::string& stem) {
  fs::create_directories(dir);
  write_file_atomic(dir / (stem + ".dat"), progress_data(m));
  const std::string f = gnuplot_string(stem + ".dat");
  const std::string basis = m.basis == FourierBasis::kMultiplicative
                                ? fmt::format("multiplicative basis (g = {})", m.generator)
                                : std::string("additive basis");
  std::string b = fmt::format(
      "  set multiplot layout 3,1 title {} font \",13\"\n",
      gnuplot_string(fmt::format("progress measures of {} (p {} '{}'): key frequencies [{}], {}",
                                 m.run.filename().string(), m.task.p, to_string(m.task.operation),
                                 fmt::join(m.key_frequencies, ", "), basis)));
  b += "  set xlabel \"epoch\"\n  set grid\n";
  b += phase_spans(m);
  b += "  set title \"accuracy (shaded: the phases, from the accuracy curves)\"\n";
  b += "  set ylabel \"accuracy (%)\"\n  set yrange [0:105]\n  set key bottom right\n";
  b += fmt::format(
      "  plot {0} index 0 using 1:2 with lines lw 2 dt 2 lc rgb \"{1}\" title \"train\", \\\n"
      "       {0} index 0 using 1:3 with lines lw 2 lc rgb \"{2}\" title \"val\"\n",
      f, kTrain, kVal);
  b += "  unset label\n";
  b += "  set title \"loss: full, restricted to the key frequencies, key frequencies excluded\"\n";
  b += "  set ylabel \"cross-entropy (nats, log scale)\"\n  set logscale y 10\n";
  b += "  set yrange [*:*]\n  set format y \"%g\"\n  set key outside right\n";
  b += fmt::format(
      "  plot {0} index 0 using 1:4 with lines lw 1 dt 2 lc rgb \"{1}\" title \"train\", \\\n"
      "       {0} index 0 using 1:5 with lines lw 1 lc rgb \"{2}\" title \"val\", \\\n"
      "       {0} index 1 using 1:5 with linespoints lw 2 pt 7 lc rgb \"#009E73\" "
      "title \"val restricted\", \\\n"
      "       {0} index 1 using 1:6 with linespoints lw 2 pt 5 lc rgb \"#CC79A7\" "
      "title \"train excluded\"\n",
      f, kTrain, kVal);
  b += "  unset logscale y\n  set key off\n";
  b += "  set title \"Gini of the embedding's Fourier spectrum\"\n  set ylabel \"Gini\"\n";
  b += "  set yrange [0:1]\n";
  b +=
      fmt::format("  plot {} index 1 using 1:8 with linespoints lw 2 pt 7 lc rgb \"#333333\"\n", f);
  b += "  unset multiplot\n";
  render_figure(dir, stem, "progress measures over training", b, {1100, 1200});
}

}  // namespace grok
