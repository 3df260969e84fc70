// The look shared by every figure, defined once: one colour per strategy (teacher, logit,
// attention, feature, combined, scratch) in every plot and report, a palette for anything
// else (runs, seeds), the font, and the settings each script starts with (grid, key, line
// widths). Not the figures (run_plots.h, report_figures.h) nor the driver (gnuplot.h).
#pragma once

#include <string>
#include <string_view>

namespace grok {

inline constexpr const char* kPlotFont = "DejaVu Sans";
inline constexpr int kPlotFontSize = 11;

// "#rrggbb" of a strategy or trial kind: teacher, logit, attention, feature, combined,
// scratch. Anything else: palette_colour by a hash-free rule (the name's position in the
// palette is the sum of its bytes), so an unknown name still gets a stable colour.
std::string strategy_colour(std::string_view strategy);

// The i-th colour (cyclic) of a qualitative palette for runs and seeds; its first entries
// differ from the strategy colours' order so that runs are not mistaken for strategies.
std::string palette_colour(int i);

// The strategy a run name or trial id mentions ("s42/student-0.5-logit-r0" → "logit",
// ".../teacher" → "teacher", "scratch-d64-l2" → "scratch"); empty if none.
std::string strategy_in_name(std::string_view name);

// Settings every figure script starts with (after its terminal): grid, key box, border.
std::string plot_common_settings();

// Gnuplot commands for a log-scale epoch x axis fitted to the data ("epoch (log scale)").
std::string log_epoch_axis();

// Gnuplot commands marking epoch `epoch` by a dotted vertical line in `colour` across the
// current plot (set before `plot`; cleared with `unset arrow`).
std::string epoch_marker(double epoch, const std::string& colour);

}  // namespace grok
