#include "grokking/train/memory_limit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

namespace grok {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// a * b, saturating at kMax (both non-negative).
int64_t mul(int64_t a, int64_t b) { return b != 0 && a > kMax / b ? kMax : a * b; }
int64_t add(int64_t a, int64_t b) { return a > kMax - b ? kMax : a + b; }

}  // namespace

MemoryEstimate estimate_memory(const ModelConfig& config, const OptimizerConfig& optimizer,
                               int max_batch, int shards) {
  const int64_t d = config.dim, f = config.ffn_dim(), t = config.seq_len;
  const int64_t c = config.n_classes, h = config.heads;
  MemoryEstimate e;
  e.parameters = static_cast<int64_t>(param_layout(config).parameter_count());
  // Parameters and gradients; AdamW keeps two moments, Muon one; each extra shard its gradients.
  const int64_t copies = 2 + (optimizer.type == "muon" ? 1 : 2) + std::max(0, shards - 1);
  e.weights = mul(mul(e.parameters, copies), sizeof(float));
  // Per example and layer: the residual stream, norms, q/k/v, attention output and projections
  // (about 10 T·D), the FFN's gate, up and product (3 T·F) and the attention probabilities and
  // scores (2 H·T²); forward values and their gradients, hence twice.
  const int64_t layer_floats = add(mul(10 * t, d), add(mul(3 * t, f), 2 * h * t * t));
  const int64_t example_floats = mul(2, add(mul(layer_floats, config.depth), add(t * d, 2 * c)));
  e.activations = mul(mul(example_floats, max_batch), sizeof(float));
  return e;
}

int64_t machine_memory_bytes() {
  int64_t total = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") {
      total = mul(kib, 1024);
      break;
    }
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // "max" when unlimited
  int64_t limit = 0;
  if (cgroup >> limit && limit > 0) total = total > 0 ? std::min(total, limit) : limit;
  return total;
}

int64_t memory_limit_bytes(double max_memory_gib) {
  if (max_memory_gib > 0)
    return max_memory_gib >= 8e9 ? kMax : static_cast<int64_t>(max_memory_gib * (1LL << 30));
  const int64_t machine = machine_memory_bytes();
  return machine > 0 ? machine / 10 * 9 : kMax;
}

std::string format_bytes(int64_t bytes) {
  if (bytes >= (int64_t{1} << 30)) return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
  return fmt::format("{:.1f} MiB", bytes / double(1 << 20));
}

}  // namespace grok
