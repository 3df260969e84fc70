#include "grokking/report/plot_style.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "grokking/distill/strategy_table.h"

namespace grok {
namespace {

// Black teacher, grey control, and for the distillation strategies, in the strategy table's
// order, well-separated hues (Okabe–Ito, readable by colour-blind readers); "combined" last.
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kKindColours = {{
    {"teacher", "#000000"},
    {"scratch", "#808080"},
}};
constexpr std::array<std::string_view, 6> kStrategyHues = {"#0072B2", "#E69F00", "#009E73",
                                                           "#D55E00", "#56B4E9", "#F0E442"};
constexpr std::string_view kCombinedColour = "#CC79A7";

// Runs and seeds: tab10 reordered to start away from the strategy hues.
constexpr std::array<std::string_view, 10> kPalette = {
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
};

}  // namespace

std::string strategy_colour(std::string_view strategy) {
  for (const auto& [name, colour] : kKindColours)
    if (name == strategy) return std::string(colour);
  if (strategy == kCombinedStrategy) return std::string(kCombinedColour);
  const auto& table = strategy_table();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (strategy == table[i].name) return std::string(kStrategyHues[i % kStrategyHues.size()]);
  int sum = 0;
  for (unsigned char c : strategy) sum += c;
  return palette_colour(sum);
}

std::string palette_colour(int i) {
  const int n = static_cast<int>(kPalette.size());
  return std::string(kPalette[static_cast<std::size_t>(((i % n) + n) % n)]);
}

std::string plot_common_settings() {
  return "  set border lw 1.2\n"
         "  set grid back lc rgb \"#cccccc\" lw 1 dt 1\n"
         "  set style line 100 lc rgb \"#bfbfbf\" lw 1\n"
         "  set key box ls 100 opaque samplen 2.5 spacing 1.1\n"
         "  set tics nomirror out\n"
         "  set datafile missing \"NaN\"\n";
}

std::string log_epoch_axis() {
  return "  set logscale x 10\n"
         "  set autoscale xfix\n"
         "  set format x \"%g\"\n"
         "  set mxtics 10\n"
         "  set xlabel \"epoch (log scale)\"\n";
}

std::string epoch_marker(double epoch, const std::string& colour) {
  return fmt::format(
      "  set arrow from {}, graph 0 to {}, graph 1 nohead dt 3 lw 2 lc rgb \"{}\" front\n", epoch,
      epoch, colour);
}

}  // namespace grok
