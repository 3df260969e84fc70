// The gnuplot driver of plots and reports: every figure is a gnuplot script written beside its
// data files and rendered by running `gnuplot <stem>.gp` (Debian's gnuplot-nox, found on PATH)
// as a child process in the figure's directory, producing <stem>.png (pngcairo) and <stem>.svg.
// Scripts refer to their data by relative names, so a user can edit and re-run them there.
// Not the figures themselves (run_plots.h, report_figures.h) nor their styling (plot_style.h).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grok {

struct FigureSize {
  int width = 1000;  // pixels (PNG and SVG)
  int height = 700;
};

// The gnuplot executable: $GROK_GNUPLOT if set, else the first `gnuplot` on PATH. grok::Error
// with an install hint (Debian package gnuplot-nox) if there is none.
std::filesystem::path find_gnuplot();

// The complete script: a header comment (what it draws, how to re-run it), then `body` run
// once per output (PNG through pngcairo, SVG), each with plot_style.h's common settings.
// `body` draws the figure (plot or multiplot) and sets no terminal or output.
std::string figure_script(const std::string& stem, const std::string& description,
                          const std::string& body, FigureSize size);

// Writes dir/<stem>.gp (figure_script) and runs gnuplot on it in `dir`. grok::Error naming the
// script and quoting gnuplot's messages if it fails or leaves either image missing or empty.
void render_figure(const std::filesystem::path& dir, const std::string& stem,
                   const std::string& description, const std::string& body, FigureSize size = {});

// A gnuplot double-quoted string literal of `text` (backslashes and quotes escaped).
std::string gnuplot_string(std::string_view text);

}  // namespace grok
