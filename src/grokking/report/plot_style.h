// The look shared by every figure, defined once: one colour per trial kind and strategy in
// every plot and report, a palette for anything
// else (runs, seeds), the font, and the settings each script starts with (grid, key, line
// widths). Not the figures (run_plots.h, report_figures.h) nor the driver (gnuplot.h).
#pragma once

#include <string>
#include <string_view>

namespace grok {

inline constexpr const char* kPlotFont = "DejaVu Sans";
inline constexpr int kPlotFontSize = 11;

// "#rrggbb" of a trial kind or strategy: teacher, scratch, every strategy of the strategy table
// (distill/strategy_table.h, by its position there), combined. Anything else: palette_colour by
// a hash-free rule (the name's position in the palette is the sum of its bytes), so an unknown
// name still gets a stable colour.
std::string strategy_colour(std::string_view strategy);

// The i-th colour (cyclic) of a qualitative palette for runs and seeds; its first entries
// differ from the strategy colours' order so that runs are not mistaken for strategies.
std::string palette_colour(int i);

// Settings every figure script starts with (after its terminal): grid, key box, border.
std::string plot_common_settings();

// Gnuplot commands for a log-scale epoch x axis fitted to the data ("epoch (log scale)").
std::string log_epoch_axis();

// Gnuplot commands marking epoch `epoch` by a dotted vertical line in `colour` across the
// current plot (set before `plot`; cleared with `unset arrow`).
std::string epoch_marker(double epoch, const std::string& colour);

}  // namespace grok
