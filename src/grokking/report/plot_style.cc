#include "grokking/report/plot_style.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace grok {
namespace {

// Strategy colours: black teacher, grey control, and well-separated hues (Okabe–Ito, readable
// by colour-blind readers) for the distillation strategies.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kStrategyColours = {{
    {"teacher", "#000000"},
    {"logit", "#0072B2"},
    {"attention", "#E69F00"},
    {"feature", "#009E73"},
    {"combined", "#CC79A7"},
    {"scratch", "#808080"},
}};

// Runs and seeds: tab10 reordered to start away from the strategy hues.
constexpr std::array<std::string_view, 10> kPalette = {
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
};

}  // namespace

std::string strategy_colour(std::string_view strategy) {
  for (const auto& [name, colour] : kStrategyColours)
    if (name == strategy) return std::string(colour);
  int sum = 0;
  for (unsigned char c : strategy) sum += c;
  return palette_colour(sum);
}

std::string palette_colour(int i) {
  const int n = static_cast<int>(kPalette.size());
  return std::string(kPalette[static_cast<std::size_t>(((i % n) + n) % n)]);
}

std::string strategy_in_name(std::string_view name) {
  // Last path component first: "s42/student-0.5-logit-r0" names logit, not the parent.
  const std::size_t slash = name.find_last_of('/');
  const std::string_view last = slash == std::string_view::npos ? name : name.substr(slash + 1);
  for (std::string_view where : {last, name}) {
    for (const auto& [strategy, colour] : kStrategyColours)
      if (where.find(strategy) != std::string_view::npos) return std::string(strategy);
  }
  return "";
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
