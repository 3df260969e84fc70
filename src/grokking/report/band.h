// The band drawn around a configuration's mean curve across its repeats (report figures):
// at each epoch the mean of the runs that have that epoch, and either a normal 95 % interval
// of the mean, mean ± 1.96·sd/√n (sample sd, divisor n − 1), when the configuration has at
// least three runs, or the min–max envelope of the runs when it has fewer (an sd of two values
// says little). Bands are clipped to [clip_lower, clip_upper] (accuracy lives in [0, 1]).
// Not the bootstrap statistics of experiment/statistics.h.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace grok {

// Runs needed for the normal interval; fewer give the min–max envelope.
inline constexpr int kBandMinRunsForInterval = 3;

enum class BandKind { kNormal95, kMinMax };
// "mean ± 1.96·sd/√n" or "min–max across runs" (for captions).
std::string describe(BandKind kind);

struct BandPoint {
  double x = 0;
  int n = 0;  // runs with a value at x
  double mean = 0;
  double lower = 0, upper = 0;
};

struct Band {
  BandKind kind = BandKind::kMinMax;
  int runs = 0;
  std::vector<BandPoint> points;  // ascending x
};

struct Series {
  std::vector<double> x;  // ascending (epochs)
  std::vector<double> y;
};

// The band of `runs` (non-finite y values are skipped; x values are matched exactly). Throws
// grok::Error (GROK_CHECK) if a series' x and y differ in length.
Band mean_band(const std::vector<Series>& runs,
               double clip_lower = -std::numeric_limits<double>::infinity(),
               double clip_upper = std::numeric_limits<double>::infinity());

}  // namespace grok
