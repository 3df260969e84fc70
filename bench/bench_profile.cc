// Where a training step (or an evaluation pass) spends its GEMM time, product by product
// (docs/PERFORMANCE.md, "Profiles"): runs the trainer's step (bench/model_bench.h) with a GEMM
// observer (core/gemm.h) that times every call, and prints, per distinct call shape, the
// calls and milliseconds per step, the rate and the share of all GEMM time, then the step's
// wall time and the GEMM share of the threads' time. For the time outside the GEMMs, run
// the same command under `perf record` (the observer off: --no-observer).
//
// usage: bench_profile [--dim 64] [--threads 2] [--steps 40] [--precision fp32|bf16] [--eval]
//                      [--no-observer]
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/threads.h"
#include "model_bench.h"

namespace grok {
namespace {

using Shape = std::tuple<int, int, int, int, int>;  // trans_a, trans_b, m, n, k

struct Stats {
  int64_t calls = 0;
  double seconds = 0;
};

std::mutex g_mutex;
std::map<Shape, Stats> g_stats;

void observe(Trans trans_a, Trans trans_b, int m, int n, int k, double seconds) {
  const std::lock_guard lock(g_mutex);
  Stats& s = g_stats[{trans_a == Trans::kYes, trans_b == Trans::kYes, m, n, k}];
  ++s.calls;
  s.seconds += seconds;
}

// CPU seconds of the whole process (every thread): on a machine other processes share, at one
// thread it is what the wall time would be on an idle one, less the cache misses they cause.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Args {
  int dim = 64, threads = 2, steps = 40;
  GemmPrecision precision = GemmPrecision::kFp32;
  bool eval = false, observer = true;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto value = [&] {
      if (i + 1 >= argc) throw UsageError(fmt::format("{} needs a value", flag));
      return std::string(argv[++i]);
    };
    if (flag == "--dim")
      a.dim = std::stoi(value());
    else if (flag == "--threads")
      a.threads = std::stoi(value());
    else if (flag == "--steps")
      a.steps = std::stoi(value());
    else if (flag == "--precision")
      a.precision = parse_gemm_precision(value(), "--precision");
    else if (flag == "--eval")
      a.eval = true;
    else if (flag == "--no-observer")
      a.observer = false;
    else
      throw UsageError(fmt::format("unknown flag {}", flag));
  }
  return a;
}

int run(const Args& a) {
  set_num_threads(a.threads);
  set_gemm_precision(a.precision);
  const ModelConfig config = bench::config_of_width(a.dim);
  const int shards = shard_count(a.threads, bench::kBatch);
  bench::ModelBench bench(config, a.eval ? bench::kEvalExamples : bench::kBatch, shards);
  uint64_t step = 0;
  const auto once = [&] {
    if (a.eval)
      bench.eval_pass();
    else
      bench.train_step(step++);
  };
  for (int i = 0; i < 3; ++i) once();  // warm-up: oneDNN generates its kernels on first use
  if (a.observer) set_gemm_observer(observe);
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  for (int i = 0; i < a.steps; ++i) once();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / a.steps;
  const double cpu = (process_cpu_seconds() - cpu_start) / a.steps;
  set_gemm_observer(nullptr);

  fmt::print(
      "{} at width {}, {} thread(s), {} shard(s), precision {}: {:.2f} ms per {} ({:.2f} ms of "
      "CPU time)\n",
      a.eval ? "evaluation of 4656 examples" : "training step of 512", a.dim, a.threads, shards,
      to_string(a.precision), 1e3 * wall, a.eval ? "pass" : "step", 1e3 * cpu);
  if (!a.observer) return 0;
  std::vector<std::pair<Shape, Stats>> rows(g_stats.begin(), g_stats.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& x, const auto& y) { return x.second.seconds > y.second.seconds; });
  double total = 0, flops = 0;
  for (const auto& [shape, s] : rows) {
    total += s.seconds;
    const auto [ta, tb, m, n, k] = shape;
    flops += 2.0 * m * n * k * s.calls;
  }
  fmt::print("| op(A)·op(B) | m×n×k | calls / step | ms / step | GFLOP/s | share |\n");
  fmt::print("|---|---|---|---|---|---|\n");
  for (const auto& [shape, s] : rows) {
    const auto [ta, tb, m, n, k] = shape;
    fmt::print("| {}·{} | {}×{}×{} | {:.1f} | {:.3f} | {:.1f} | {:.1f} % |\n", ta ? "Aᵀ" : "A",
               tb ? "Bᵀ" : "B", m, n, k, static_cast<double>(s.calls) / a.steps,
               1e3 * s.seconds / a.steps, 2.0 * m * n * k * s.calls / s.seconds / 1e9,
               100 * s.seconds / total);
  }
  const int threads = std::min(a.threads, shards > 1 ? shards : a.threads);
  fmt::print(
      "GEMMs: {:.2f} ms of thread time per {} ({:.1f} GFLOP/s per thread), {:.0f} % of the {} "
      "thread(s)' {:.2f} ms\n",
      1e3 * total / a.steps, a.eval ? "pass" : "step", flops / total / 1e9,
      100 * total / (wall * a.steps * threads), threads, 1e3 * wall * threads);
  return 0;
}

}  // namespace
}  // namespace grok

int main(int argc, char** argv) {
  try {
    return grok::run(grok::parse(argc, argv));
  } catch (const grok::Error& e) {
    fmt::print(stderr, "bench_profile: {}\n", e.what());
    return e.exit_code();
  }
}
