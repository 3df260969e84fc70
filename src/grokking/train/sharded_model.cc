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
  scratch_.resize(shards);
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
                                    size(s), batch, d_logits_[s].data(), d_extra, scratch_[s]);
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

SharedPrefix<float> ShardedModel::run_prefixes(const float* params, const Dataset& data) {
  const int t = config().seq_len, depth = config().depth, dim = config().dim;
  if (data.tokens != grouped_tokens_) {
    grouped_tokens_ = data.tokens;
    prefix_groups_ = config().pool == Pool::kCls ? group_by_prefix(data.tokens, t) : PrefixGroups{};
  }
  const PrefixGroups& groups = prefix_groups_;
  SharedPrefix<float> prefix;
  prefix.length = groups.length;
  prefix.index = groups.index.data();
  if (groups.length == 0) return prefix;
  const int count = static_cast<int>(groups.first_example.size()), p = groups.length;
  prefix_keys_.resize(depth);
  prefix_values_.resize(depth);
  for (int l = 0; l < depth; ++l) {
    prefix_keys_[l].resize(static_cast<std::size_t>(count) * p * dim);
    prefix_values_[l].resize(static_cast<std::size_t>(count) * p * dim);
    prefix.keys.push_back(prefix_keys_[l].data());
    prefix.values.push_back(prefix_values_[l].data());
  }
  std::vector<int32_t> tokens(static_cast<std::size_t>(shard_capacity_) * t);
  for (int begin = 0; begin < count; begin += shard_capacity_) {
    const int size = std::min(shard_capacity_, count - begin);
    for (int g = 0; g < size; ++g)
      std::copy_n(data.tokens.begin() + int64_t{groups.first_example[begin + g]} * t, t,
                  tokens.begin() + int64_t{g} * t);
    gemm_flops_ += eval_flops(flop_model(config(), LastLayer::kTrimmed), size);
    Transformer<float>& model = replicas_.front();
    model.forward(params, tokens.data(), size, {});
    for (int l = 0; l < depth; ++l)
      for (int g = 0; g < size; ++g) {  // rows [g·T, g·T + P) → [(begin + g)·P, … + P)
        const int64_t src = int64_t{g} * t * dim, dst = int64_t{begin + g} * p * dim;
        std::copy_n(model.attention_keys(l) + src, p * dim, prefix_keys_[l].data() + dst);
        std::copy_n(model.attention_values(l) + src, p * dim, prefix_values_[l].data() + dst);
      }
  }
  return prefix;
}

LossSum ShardedModel::evaluate(const float* params, const Dataset& data, int chunk,
                               float* logits_out, Loss loss) {
  const int piece = std::min(chunk, shard_capacity_);
  const int pieces = (data.size() + piece - 1) / piece;
  const int count = std::min(shards(), std::max(1, pieces));
  const int classes = config().n_classes, t = config().seq_len;
  const SharedPrefix<float> prefix = run_prefixes(params, data);
  std::vector<LossSum> parts(pieces);
  for (int i = 0; i < pieces; ++i)
    gemm_flops_ += eval_flops(flop_model(config(), LastLayer::kTrimmed, prefix.length),
                              std::min(piece, data.size() - i * piece));
  for_each_shard(count, [&](int s) {
    SharedPrefix<float> piece_prefix = prefix;
    for (int i = s; i < pieces; i += count) {
      const int begin = i * piece, size = std::min(piece, data.size() - begin);
      const int32_t* tokens = data.tokens.data() + int64_t{begin} * t;
      piece_prefix.index = prefix.index + begin;
      const float* logits =
          prefix.length > 0 ? replicas_[s].forward_after_prefix(params, tokens, size, piece_prefix)
                            : replicas_[s].forward(params, tokens, size, {});
      parts[i] =
          cross_entropy(loss, logits, data.labels.data() + begin, size, classes, nullptr, 1.0);
      if (logits_out != nullptr)
        std::copy_n(logits, int64_t{size} * classes, logits_out + int64_t{begin} * classes);
    }
  });
  LossSum total;
  for (const LossSum& part : parts) {
    total.loss += part.loss;
    total.correct += part.correct;
    total.collapsed += part.collapsed;
  }
  return total;
}

}  // namespace grok
