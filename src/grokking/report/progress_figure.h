// The figure of progress measures over training (analysis/progress_measures.h): accuracy
// curves with the three phases shaded (memorisation, circuit formation, cleanup), the train and
// val loss with the restricted and excluded losses at the kept checkpoints, and the Gini of the
// embedding's spectrum, against epochs. Not the measures themselves.
#pragma once

#include <filesystem>
#include <string>

#include "grokking/analysis/progress_measures.h"

namespace grok {

// Writes dir/<stem>.dat, .gp, .png and .svg.
void plot_progress_measures(const ProgressMeasures& measures, const std::filesystem::path& dir,
                            const std::string& stem);

}  // namespace grok
