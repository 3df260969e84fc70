#include "grokking/report/band.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "grokking/core/error.h"
#include "grokking/experiment/statistics.h"

namespace grok {

std::string describe(BandKind kind) {
  return kind == BandKind::kNormal95 ? "mean ± 1.96·sd/√n across runs" : "min–max across runs";
}

Band mean_band(const std::vector<Series>& runs, double clip_lower, double clip_upper) {
  Band band;
  band.runs = static_cast<int>(runs.size());
  band.kind = band.runs >= kBandMinRunsForInterval ? BandKind::kNormal95 : BandKind::kMinMax;
  std::map<double, std::vector<double>> at;
  for (const Series& s : runs) {
    GROK_CHECK(s.x.size() == s.y.size(), "series of {} x and {} y values", s.x.size(), s.y.size());
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i]) && std::isfinite(s.x[i])) at[s.x[i]].push_back(s.y[i]);
  }
  for (const auto& [x, ys] : at) {
    BandPoint p;
    p.x = x;
    p.n = static_cast<int>(ys.size());
    p.mean = mean(ys);
    if (band.kind == BandKind::kNormal95) {
      const double half = p.n >= 2 ? kZ95 * sample_sd(ys) / std::sqrt(p.n) : 0.0;
      p.lower = p.mean - half;
      p.upper = p.mean + half;
    } else {
      p.lower = *std::min_element(ys.begin(), ys.end());
      p.upper = *std::max_element(ys.begin(), ys.end());
    }
    p.lower = std::clamp(p.lower, clip_lower, clip_upper);
    p.upper = std::clamp(p.upper, clip_lower, clip_upper);
    band.points.push_back(p);
  }
  return band;
}

}  // namespace grok
