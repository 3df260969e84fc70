// Wall-clock timing for progress lines, epoch times and benchmarks: a monotonic stopwatch
// (std::chrono::steady_clock) reading seconds as double. Not a profiler and not CPU time.
#pragma once

#include <chrono>

namespace grok {

class Stopwatch {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts running on construction.
  Stopwatch() : start_(Clock::now()) {}

  // Restarts from zero.
  void reset() { start_ = Clock::now(); }

  // Seconds since construction or the last reset().
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // Seconds since the last reset(), and restarts: for timing consecutive laps.
  double lap() {
    const Clock::time_point now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    return elapsed;
  }

 private:
  Clock::time_point start_;
};

}  // namespace grok
