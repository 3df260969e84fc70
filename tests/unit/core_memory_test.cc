// Process memory readings and the stopwatch: sanity against what the test itself does.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "grokking/core/memory.h"
#include "grokking/core/timer.h"

namespace grok {
namespace {

TEST(Memory, TouchingPagesRaisesResidentAndPeak) {
  const int64_t before = current_rss_bytes();
  ASSERT_GT(before, 0);
  ASSERT_GE(peak_rss_bytes(), before);

  constexpr std::size_t kBytes = 64 << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);  // touch every page so it becomes resident
  const int64_t during = current_rss_bytes();
  EXPECT_GE(during - before, static_cast<int64_t>(kBytes) * 9 / 10) << "before " << before;
  EXPECT_GE(peak_rss_bytes(), during);
  EXPECT_EQ(block[kBytes - 1], 1);
}

TEST(Stopwatch, MeasuresAtLeastTheSleepAndLapRestarts) {
  Stopwatch watch;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double first = watch.seconds();
  EXPECT_GE(first, 0.020);  // sleep_for on a steady clock sleeps at least this long
  EXPECT_GE(watch.seconds(), first);
  const double lap = watch.lap();
  EXPECT_GE(lap, first);
  EXPECT_LT(watch.seconds(), lap);  // restarted by lap()
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  watch.reset();
  EXPECT_LT(watch.seconds(), 0.005);
}

}  // namespace
}  // namespace grok
