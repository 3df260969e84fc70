// The memory a run will need, estimated from its config before anything is allocated, and the
// limit it is checked against (--max_memory; by default 90 % of this machine's memory, or of the
// cgroup's limit when that is lower). An estimate, not a measurement: summary.json records the
// measured peak (peak_rss_bytes).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/model/model_config.h"
#include "grokking/optim/optimizer_config.h"

namespace grok {

struct MemoryEstimate {
  int64_t parameters = 0;   // parameter count (not bytes)
  int64_t weights = 0;      // bytes: parameters, gradients, optimizer moments, shard gradients
  int64_t activations = 0;  // bytes: every replica's activations and their gradients
  int64_t total() const { return weights + activations; }
};

// For a model of `config` trained by `optimizer` on batches of up to `max_batch` examples cut
// into `shards`. Saturates rather than overflows (shapes are bounded by ModelConfig's limits).
MemoryEstimate estimate_memory(const ModelConfig& config, const OptimizerConfig& optimizer,
                               int max_batch, int shards);

// This machine's memory in bytes: MemTotal, or the cgroup's memory.max when lower; 0 if unknown.
int64_t machine_memory_bytes();

// The limit in bytes: `max_memory_gib` if positive, else 90 % of machine_memory_bytes() (no limit
// if that is unknown).
int64_t memory_limit_bytes(double max_memory_gib);

// "1.5 GiB", "320.0 MiB".
std::string format_bytes(int64_t bytes);

}  // namespace grok
