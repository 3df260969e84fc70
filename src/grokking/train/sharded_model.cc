#include "grokking/train/sharded_model.h"

#include <omp.h>

#include <algorithm>
#include <exception>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/model/rows.h"

namespace grok {

int shard_count(int threads, int max_batch) {
  if (!gemm_runs_per_thread()) return 1;
  return std::clamp(max_batch / kMinShardExamples, 1, std::max(1, threads));
}

namespace {
// dst[i] += src[i] over src's size, on the threads.
void add_into(float* dst, const Buffer<float>& src) {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(src.size());
#pragma omp parallel for if (n >= kParallelMinElements)
  for (std::ptrdiff_t i = 0; i < n; ++i) dst[i] += src[i];
}
}  // namespace

ShardedModel::ShardedModel(const ModelConfig& config, int max_batch, int shards) {
  GROK_CHECK(shards >= 1 && shards <= max_batch, "shards {} outside [1, {}]", shards, max_batch);
  shard_capacity_ = (max_batch + shards - 1) / shards;
  for (int s = 0; s < shards; ++s) {
    replicas_.emplace_back(config, shard_capacity_);
    d_logits_.emplace_back(int64_t{shard_capacity_} * config.n_classes, 0.0f);
    if (s > 0) {
      shard_grads_.emplace_back(param_layout(config).total_size(), 0.0f);
      shard_extra_.emplace_back();
    }
  }
}

template <typename Fn>
void ShardedModel::for_each_shard(int count, const Fn& fn) {
  if (count == 1) return fn(0);
  // Exceptions cannot leave an OpenMP region: the first is carried out and rethrown.
  std::exception_ptr error;
#pragma omp parallel for num_threads(std::min(count, omp_get_max_threads())) schedule(static, 1)
  for (int s = 0; s < count; ++s) {
    try {
      fn(s);
    } catch (...) {
#pragma omp critical(grok_shard_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

ObjectiveSums ShardedModel::train_step(const float* params, const int32_t* tokens,
                                       const int32_t* labels, const int32_t* example_ids, int batch,
                                       ForwardOptions opts, Objective& objective, float* grads) {
  const int count = std::min(shards(), batch), t = config().seq_len;
  GROK_CHECK(batch <= count * shard_capacity_, "batch {} > capacity {}", batch,
             count * shard_capacity_);
  const auto begin = [&](int s) { return static_cast<int>(int64_t{batch} * s / count); };
  const auto size = [&](int s) { return begin(s + 1) - begin(s); };

  for (int s = 0; s < count; ++s)
    gemm_flops_ += training_step_flops(flop_model(config(), opts.last_layer), size(s)).total;
  const std::size_t extra_size =
      objective.extra_layout() ? objective.extra_layout()->total_size() : 0;
  for (int s = 1; s < count; ++s) shard_extra_[s - 1].assign(extra_size, 0.0f);
  std::vector<ObjectiveSums> parts(count);
  for_each_shard(count, [&](int s) {
    ForwardOptions shard_opts = opts;
    shard_opts.first_example = opts.first_example + begin(s);
    Transformer<float>& replica = replicas_[s];
    const float* logits =
        replica.forward(params, tokens + int64_t{begin(s)} * t, size(s), shard_opts);
    float* d_extra = extra_size == 0 ? nullptr
                     : s == 0        ? objective.extra_grads()
                                     : shard_extra_[s - 1].data();
    parts[s] =
        objective.loss_and_gradient(replica, logits, labels + begin(s), example_ids + begin(s),
                                    size(s), batch, d_logits_[s].data(), d_extra);
    float* g = grads;
    if (s > 0) {
      g = shard_grads_[s - 1].data();
      std::fill(shard_grads_[s - 1].begin(), shard_grads_[s - 1].end(), 0.0f);
    }
    replica.backward(params, d_logits_[s].data(), g);
  });
  for (int s = 1; s < count; ++s) {
    add_into(grads, shard_grads_[s - 1]);
    if (extra_size > 0) add_into(objective.extra_grads(), shard_extra_[s - 1]);
  }
  ObjectiveSums sums;
  for (const ObjectiveSums& part : parts) {
    sums.loss += part.loss;
    sums.correct += part.correct;
    sums.components.resize(std::max(sums.components.size(), part.components.size()), 0.0);
    for (std::size_t c = 0; c < part.components.size(); ++c)
      sums.components[c] += part.components[c];
  }
  return sums;
}

LossSum ShardedModel::evaluate(const float* params, const Dataset& data, int chunk) {
  const int piece = std::min(chunk, shard_capacity_);
  const int pieces = (data.size() + piece - 1) / piece;
  const int count = std::min(shards(), std::max(1, pieces));
  const int classes = config().n_classes, t = config().seq_len;
  std::vector<LossSum> parts(pieces);
  for (int i = 0; i < pieces; ++i)
    gemm_flops_ += eval_flops(flop_model(config(), LastLayer::kTrimmed),
                              std::min(piece, data.size() - i * piece));
  for_each_shard(count, [&](int s) {
    for (int i = s; i < pieces; i += count) {
      const int begin = i * piece, size = std::min(piece, data.size() - begin);
      const float* logits =
          replicas_[s].forward(params, data.tokens.data() + int64_t{begin} * t, size, {});
      parts[i] =
          softmax_cross_entropy(logits, data.labels.data() + begin, size, classes, nullptr, 1.0);
    }
  });
  LossSum total;
  for (const LossSum& part : parts) {
    total.loss += part.loss;
    total.correct += part.correct;
  }
  return total;
}

}  // namespace grok
