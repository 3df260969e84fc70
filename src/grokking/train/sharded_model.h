// Data parallelism over the threads, and over the ranks of an MPI job. A step's batch is cut
// into contiguous parts, one per rank, and each part into contiguous shards, one model replica
// per shard; the replicas run forward, objective and backward side by side, one thread each
// (their GEMMs single-threaded), and the shard gradients are summed in shard order, then the
// ranks' sums in rank order (MpiWorld::sum_in_rank_order), so that every rank holds the same
// gradient and takes the same optimizer step. With one thread per rank, R ranks cut the batch
// exactly as R shards of one process do: the same bits as `--threads R`. On this
// model's small products two threads splitting every GEMM reach ~1.5× one thread, while two
// threads each running a shard reach ~1.9× (docs/PERFORMANCE.md, "Threading").
//
// A shard computes exactly what the whole batch computes for its examples: dropout masks
// follow an example's place in the batch (ForwardOptions::first_example) and the objective
// divides by the whole batch. Only the order of floating-point sums depends on the shard
// count, which shard_count() derives from the thread count: a run is bit-reproducible for a
// given --threads (and number of ranks). The loss sums are exchanged per shard and per
// evaluation piece and added in one global order, so they too match the one-process run.
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/cluster/mpi_world.h"
#include "grokking/core/tensor.h"
#include "grokking/data/dataset.h"
#include "grokking/model/flops.h"
#include "grokking/model/transformer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/objective.h"
#include "grokking/train/prefix_groups.h"

namespace grok {

// Shards for `threads` threads and batches of up to max_batch examples: one per thread, but
// at least kMinShardExamples examples each, and 1 when the GEMM backend cannot run single-
// threaded calls side by side (the cblas build: OpenBLAS has one thread pool).
inline constexpr int kMinShardExamples = 64;
int shard_count(int threads, int max_batch);

class ShardedModel {
 public:
  // Replicas of up to ⌈max_batch / (shards · ranks)⌉ examples each. `world`: the ranks that share
  // each step (null or a world of one: this process alone); collective calls then run on all.
  ShardedModel(const ModelConfig& config, int max_batch, int shards,
               const MpiWorld* world = nullptr);

  int shards() const { return static_cast<int>(replicas_.size()); }
  const ModelConfig& config() const { return replicas_.front().config(); }
  // Transformer::set_frozen on every replica.
  void set_frozen(const std::vector<bool>& frozen) {
    for (auto& replica : replicas_) replica.set_frozen(frozen);
  }

  // One training step's forward (opts: training mode, dropout seed, step), objective and
  // backward over examples [0, batch): grads += d(objective mean over the batch)/d params,
  // and objective.extra_grads() += its extra parameters' gradient. Each shard calls the
  // objective on its own thread with the whole batch as normaliser; the sums and the extra
  // gradients are added up in shard order. tokens [B,T], labels [B], example_ids [B].
  // With gradient accumulation the examples are one micro-batch of a step of `normaliser`
  // examples (0: batch) starting at opts.first_example of it: the gradient and the sums are that
  // micro-batch's share of the step's, dropout masks included.
  ObjectiveSums train_step(const float* params, const int32_t* tokens, const int32_t* labels,
                           const int32_t* example_ids, int batch, ForwardOptions opts,
                           Objective& objective, float* grads, int normaliser = 0);

  // Inference (no dropout, trimmed last layer) over the whole dataset in pieces of at most
  // `chunk` examples, the pieces spread over the shards: Σ loss, correct and collapsed counts,
  // summed in piece order. Leading tokens that many examples share (prefix_groups.h) are run
  // once per distinct prefix first, and the pieces compute only the positions after them.
  // logits: null, or [N,C] floats that receive every example's logits (then this rank
  // evaluates every piece itself; otherwise the pieces are spread over the ranks too).
  // The loss: --loss.
  LossSum evaluate(const float* params, const Dataset& data, int chunk, float* logits = nullptr,
                   Loss loss = Loss::kSoftmax);
  // evaluate() that also sums the objective's validation components (objective.h) over the
  // data, piece by piece in piece order, into components [validation_component_names()].
  // When its taps need more than the trimmed last layer, the pieces run whole (no shared
  // prefixes) with the objective's last layer.
  LossSum evaluate(const float* params, const Dataset& data, int chunk, Loss loss,
                   const Objective& objective, std::vector<double>& components);

  // GEMM FLOPs of every step and evaluation so far (model/flops.h: as this rank's shards ran
  // them).
  double gemm_flops() const { return gemm_flops_; }
  // Seconds spent exchanging gradients and sums with the other ranks (0 without MPI).
  double exchange_seconds() const { return exchange_seconds_; }

 private:
  // fn(s) for every shard s < count, each on its own thread when count > 1.
  template <typename Fn>
  void for_each_shard(int count, const Fn& fn);

  // Both evaluate()s: objective and components null, or both set.
  LossSum evaluate_pieces(const float* params, const Dataset& data, int chunk, float* logits_out,
                          Loss loss, const Objective* objective, std::vector<double>* components);

  // Runs each distinct prefix of prefix_groups_ once and keeps its keys and values.
  SharedPrefix<float> run_prefixes(const float* params, const Dataset& data);

  bool distributed() const { return world_ != nullptr && world_->distributed(); }
  // Per-slot sums of every rank (a slot: a shard of a step, a piece of an evaluation; zero
  // where another rank had it) made whole on every rank: exact, as each slot has one source.
  void exchange(std::vector<ObjectiveSums>& slots, std::size_t components) const;
  void exchange(std::vector<LossSum>& slots) const;

  const MpiWorld* world_ = nullptr;
  int shard_capacity_ = 0;
  double gemm_flops_ = 0;
  double exchange_seconds_ = 0;
  std::vector<Transformer<float>> replicas_;
  std::vector<Buffer<float>> d_logits_;     // per shard [capacity, C]
  std::vector<Buffer<float>> shard_grads_;  // shards 1..: their gradients before the sum
  std::vector<Buffer<float>> shard_extra_;  // shards 1..: their objective's extra gradients
  Buffer<float> rank_grads_, rank_extra_;   // with ranks: this rank's sums before the exchange
  std::vector<float> gather_scratch_;       // with ranks: every rank's gradient
  std::vector<Scratch<float>> scratch_;     // per shard: the objective's working memory
  std::vector<int32_t> grouped_tokens_;     // the evaluation data prefix_groups_ was made for
  PrefixGroups prefix_groups_;
  std::vector<Buffer<float>> prefix_keys_, prefix_values_;  // per layer [G·P, D]
};

}  // namespace grok
