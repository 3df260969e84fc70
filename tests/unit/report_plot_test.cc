// The plotting pieces of reports: data files, gnuplot string quoting and scripts, strategy
// colours, run labels, run histories, and rendering through gnuplot (skipped where gnuplot is
// not installed) including its failure modes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "grokking/core/atomic_file.h"
#include "grokking/report/data_file.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/plot_style.h"
#include "grokking/report/run_history.h"
#include "test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;

fs::path temp_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("grok-report-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ReportPlot, DataFileBlocks) {
  DataFile f({"epoch", "val"});
  EXPECT_EQ(f.add_block("first"), 0);
  const double r1[] = {1, 0.5};
  const double r2[] = {2, NAN};
  f.add_row(r1);
  f.add_row(r2);
  EXPECT_EQ(f.add_block("empty"), 1);
  EXPECT_EQ(f.add_block("third"), 2);
  const double r3[] = {3, 1e-7};
  f.add_row(r3);
  EXPECT_EQ(f.text(),
            "# index 0: first\n# epoch val\n1 0.5\n2 NaN\n"
            "\n\n# index 1: empty\n# epoch val\nNaN NaN\n"
            "\n\n# index 2: third\n# epoch val\n3 1e-07\n");
  EXPECT_EQ(f.rows_in_block(1), 0);
  DataFile labelled({"state", "a", "b"});
  labelled.add_block("bars");
  const double v[] = {0.25, INFINITY};
  labelled.add_row("layer1.post_ffn", v);
  EXPECT_EQ(labelled.text(), "# index 0: bars\n# state a b\n\"layer1.post_ffn\" 0.25 NaN\n");
  EXPECT_CONTAINS(error_of([&] { labelled.add_row(v); }), "2 values for 3 columns");
  EXPECT_CONTAINS(error_of([] { DataFile bad({"two words"}); }), "two words");
}

TEST(ReportPlot, GnuplotStringsAndScripts) {
  EXPECT_EQ(gnuplot_string("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
  const std::string script = figure_script("fig", "a test", "  plot x\n", {640, 480});
  EXPECT_CONTAINS(script, "# a test\n");
  EXPECT_CONTAINS(script, "do for [format in \"png svg\"]");
  EXPECT_CONTAINS(script, "set terminal pngcairo size 640,480");
  EXPECT_CONTAINS(script, "set terminal svg size 640,480");
  EXPECT_CONTAINS(script, "set output \"fig.\" . format");
  EXPECT_CONTAINS(script, "  plot x\n  unset output\n}\n");
}

TEST(ReportPlot, StrategyColoursAreDistinctAndStable) {
  std::set<std::string> colours;
  for (const char* s : {"teacher", "logit", "attention", "feature", "combined", "scratch"})
    colours.insert(strategy_colour(s));
  EXPECT_EQ(colours.size(), 6u);
  EXPECT_EQ(strategy_colour("teacher"), "#000000");
  EXPECT_EQ(strategy_colour("unknown"), strategy_colour("unknown"));
  EXPECT_EQ(palette_colour(0), palette_colour(10));
  EXPECT_EQ(palette_colour(-1), palette_colour(9));
  // The strategies' colours follow the strategy table: today's three keep the look they had.
  EXPECT_EQ(strategy_colour("logit"), "#0072B2");
  EXPECT_EQ(strategy_colour("attention"), "#E69F00");
  EXPECT_EQ(strategy_colour("feature"), "#009E73");
  EXPECT_EQ(strategy_colour("combined"), "#CC79A7");
}

TEST(ReportPlot, RunLabelsAreShortAndUnique) {
  EXPECT_EQ(run_labels({"/a/b/t", "/a/b/s/"}), (std::vector<std::string>{"t", "s"}));
  EXPECT_EQ(run_labels({"/x/s42/teacher", "/x/s43/teacher", "/x/s42/student-logit"}),
            (std::vector<std::string>{"s42/teacher", "s43/teacher", "student-logit"}));
  EXPECT_EQ(run_labels({"run", "run"}), (std::vector<std::string>{"run", "run"}));
}

TEST(ReportPlot, ReadsHistories) {
  const fs::path dir = temp_dir("history");
  write_file_atomic(dir / "training_history.json",
                    R"({"step": [2, 4, 6], "epoch": [1, 2, 3], "train_acc": [0.5, 1, 1],
                        "val_acc": [0.1, 0.995, 0.98], "train_loss": [1, 0.5, 0.1],
                        "val_loss": [2, 1, 0.9], "lr": [1, 1, 1]})");
  const RunHistory run = read_run_history(dir);
  EXPECT_FALSE(run.distillation);
  EXPECT_EQ(run.size(), 3u);
  EXPECT_TRUE(run.has("lr"));
  EXPECT_FALSE(run.has("weight_norm"));
  EXPECT_EQ(run.first_epoch_reaching(), 2);
  EXPECT_EQ(run.first_epoch_reaching(0.999), std::nullopt);
  EXPECT_CONTAINS(error_of([&] { run.column("logit_loss"); }), "no 'logit_loss'");
  // A distillation history takes precedence; lists of different lengths are refused.
  write_file_atomic(dir / "distillation_history.json",
                    R"({"epoch": [1, 2], "train_acc": [0.5], "val_acc": [0.1, 0.2],
                        "train_loss": [1, 0.5], "val_loss": [2, 1]})");
  EXPECT_CONTAINS(error_of([&] { read_run_history(dir); }), "different lengths");
  EXPECT_CONTAINS(error_of([&] { read_run_history(dir / "missing"); }), "not a run directory");
  fs::remove_all(dir);
}

bool has_gnuplot() {
  try {
    find_gnuplot();
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(ReportPlot, RendersPngAndSvg) {
  // gnuplot is a build dependency (scripts/install-deps.sh): its absence is a failure.
  ASSERT_TRUE(has_gnuplot()) << "gnuplot not installed; run scripts/install-deps.sh";
  const fs::path dir = temp_dir("render");
  DataFile f({"x", "y"});
  f.add_block("line");
  for (int i = 1; i <= 5; ++i) {
    const double row[] = {static_cast<double>(i), static_cast<double>(i * i)};
    f.add_row(row);
  }
  write_file_atomic(dir / "fig.dat", f.text());
  render_figure(dir, "fig", "test figure",
                "  set xlabel \"x\"\n  plot \"fig.dat\" using 1:2 with lines title \"y\"\n",
                {320, 240});
  std::ifstream png(dir / "fig.png", std::ios::binary);
  char magic[8] = {};
  png.read(magic, 8);
  EXPECT_EQ(std::string(magic, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_CONTAINS(read_file(dir / "fig.svg"), "<svg");
  EXPECT_TRUE(fs::exists(dir / "fig.gp"));
  // A broken script: the error quotes gnuplot and names the script; no log is left behind.
  const std::string error =
      error_of([&] { render_figure(dir, "bad", "broken", "  plot \"nothing.dat\"\n"); });
  EXPECT_CONTAINS(error, "bad.gp");
  EXPECT_CONTAINS(error, "nothing.dat");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().rfind(".gnuplot-", 0), std::string::npos);
  fs::remove_all(dir);
}

TEST(ReportPlot, MissingGnuplotIsAClearError) {
  const char* old_path = std::getenv("PATH");
  const std::string saved = old_path ? old_path : "";
  const char* old_forced = std::getenv("GROK_GNUPLOT");
  const std::string saved_forced = old_forced ? old_forced : "";
  ::unsetenv("GROK_GNUPLOT");
  ::setenv("PATH", "/nonexistent-dir", 1);
  EXPECT_CONTAINS(error_of([] { find_gnuplot(); }), "gnuplot-nox");
  ::setenv("GROK_GNUPLOT", "/nonexistent-dir/gnuplot", 1);
  EXPECT_CONTAINS(error_of([] { find_gnuplot(); }), "GROK_GNUPLOT=/nonexistent-dir/gnuplot");
  ::setenv("PATH", saved.c_str(), 1);
  if (old_forced) {
    ::setenv("GROK_GNUPLOT", saved_forced.c_str(), 1);
  } else {
    ::unsetenv("GROK_GNUPLOT");
  }
}

}  // namespace
}  // namespace grok
