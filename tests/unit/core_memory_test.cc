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

// No upper bounds on elapsed time (the machine may be busy): only orderings that hold
// whatever the scheduler does.
TEST(Stopwatch, MeasuresAtLeastTheSleep) {
  const Stopwatch watch;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double first = watch.seconds();
  EXPECT_GE(first, 0.020);  // sleep_for on a steady clock sleeps at least this long
  EXPECT_GE(watch.seconds(), first);
}

TEST(Stopwatch, LapsPartitionTheElapsedTime) {
  const Stopwatch outer;
  Stopwatch watch;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double lap1 = watch.lap();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double lap2 = watch.lap();
  EXPECT_GE(lap1, 0.020);
  EXPECT_GE(lap2, 0.020);
  // Had lap() not restarted, lap2 alone would cover the outer span and the sum exceed it.
  EXPECT_LE(lap1 + lap2, outer.seconds());
}

TEST(Stopwatch, ResetRestartsFromZero) {
  Stopwatch watch;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const Stopwatch later;
  watch.reset();  // after `later` started, so it must now read no more than `later`
  const double since_reset = watch.seconds();
  EXPECT_LE(since_reset, later.seconds());
}

}  // namespace
}  // namespace grok
