#include "grokking/train/sharded_model.h"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <numeric>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/timer.h"
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

ShardedModel::ShardedModel(const ModelConfig& config, int max_batch, int shards,
                           const MpiWorld* world)
    : world_(world) {
  GROK_CHECK(shards >= 1 && shards <= max_batch, "shards {} outside [1, {}]", shards, max_batch);
  // A rank's part of a batch is at most ⌈B/R⌉ and its shards ⌈⌈B/R⌉/S⌉ = ⌈B/(R·S)⌉: the same
  // capacity, and so the same evaluation pieces, as R·S shards of one process.
  const int slots = shards * (distributed() ? world->size() : 1);
  shard_capacity_ = (max_batch + slots - 1) / slots;
  scratch_.resize(shards);
  for (int s = 0; s < shards; ++s) {
    replicas_.emplace_back(config, shard_capacity_);
    d_logits_.emplace_back(int64_t{shard_capacity_} * config.n_classes, 0.0f);
    if (s > 0) {
      shard_grads_.emplace_back(param_layout(config).total_size(), 0.0f);
      shard_extra_.emplace_back();
    }
  }
  if (distributed()) rank_grads_.assign(param_layout(config).total_size(), 0.0f);
}

void ShardedModel::exchange(std::vector<ObjectiveSums>& slots, std::size_t components) const {
  const std::size_t width = 2 + components;
  std::vector<double> packed(slots.size() * width, 0.0);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    packed[i * width] = slots[i].loss;
    packed[i * width + 1] = static_cast<double>(slots[i].correct);  // exact below 2^53
    for (std::size_t c = 0; c < slots[i].components.size(); ++c)
      packed[i * width + 2 + c] = slots[i].components[c];
  }
  world_->sum_in_rank_order(packed.data(), packed.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    slots[i].loss = packed[i * width];
    slots[i].correct = static_cast<int64_t>(packed[i * width + 1]);
    slots[i].components.assign(packed.begin() + i * width + 2, packed.begin() + (i + 1) * width);
  }
}

void ShardedModel::exchange(std::vector<LossSum>& slots) const {
  std::vector<double> packed(slots.size() * 2);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    packed[2 * i] = slots[i].loss;
    packed[2 * i + 1] = static_cast<double>(slots[i].correct);
  }
  world_->sum_in_rank_order(packed.data(), packed.size());
  for (std::size_t i = 0; i < slots.size(); ++i)
    slots[i] = {packed[2 * i], static_cast<int64_t>(packed[2 * i + 1])};
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
                                       ForwardOptions opts, Objective& objective, float* grads,
                                       int normaliser) {
  if (normaliser == 0) normaliser = batch;
  GROK_CHECK(normaliser >= batch, "normaliser {} < batch {}", normaliser, batch);
  // This rank's part of the batch, [first, first + local), cut into `count` shards.
  const int ranks = distributed() ? world_->size() : 1, rank = distributed() ? world_->rank() : 0;
  const int first = static_cast<int>(int64_t{batch} * rank / ranks);
  const int local = static_cast<int>(int64_t{batch} * (rank + 1) / ranks) - first;
  const int count = std::min(shards(), local), t = config().seq_len;
  GROK_CHECK(local <= count * shard_capacity_ || local == 0, "batch part {} > capacity {}", local,
             count * shard_capacity_);
  const auto begin = [&](int s) { return first + static_cast<int>(int64_t{local} * s / count); };
  const auto size = [&](int s) { return begin(s + 1) - begin(s); };

  for (int s = 0; s < count; ++s)
    gemm_flops_ += training_step_flops(flop_model(config(), opts.last_layer), size(s)).total;
  const std::size_t extra_size =
      objective.extra_layout() ? objective.extra_layout()->total_size() : 0;
  // Across ranks, this rank's gradient is summed apart first, then the ranks' in rank order.
  float* target = grads;
  float* extra_target = objective.extra_grads();
  if (distributed()) {
    std::fill(rank_grads_.begin(), rank_grads_.end(), 0.0f);
    rank_extra_.assign(extra_size, 0.0f);
    target = rank_grads_.data();
    extra_target = rank_extra_.data();
  }
  for (int s = 1; s < count; ++s) shard_extra_[s - 1].assign(extra_size, 0.0f);
  std::vector<ObjectiveSums> parts(static_cast<std::size_t>(ranks) * shards());
  for_each_shard(count, [&](int s) {
    ForwardOptions shard_opts = opts;
    shard_opts.first_example = opts.first_example + begin(s);
    Transformer<float>& replica = replicas_[s];
    const float* logits =
        replica.forward(params, tokens + int64_t{begin(s)} * t, size(s), shard_opts);
    float* d_extra = extra_size == 0 ? nullptr : s == 0 ? extra_target : shard_extra_[s - 1].data();
    parts[static_cast<std::size_t>(rank) * shards() + s] =
        objective.loss_and_gradient(replica, logits, labels + begin(s), example_ids + begin(s),
                                    size(s), normaliser, d_logits_[s].data(), d_extra, scratch_[s]);
    float* g = target;
    if (s > 0) {
      g = shard_grads_[s - 1].data();
      std::fill(shard_grads_[s - 1].begin(), shard_grads_[s - 1].end(), 0.0f);
    }
    replica.backward(params, d_logits_[s].data(), g);
  });
  for (int s = 1; s < count; ++s) {
    add_into(target, shard_grads_[s - 1]);
    if (extra_size > 0) add_into(extra_target, shard_extra_[s - 1]);
  }
  if (distributed()) {
    const Stopwatch exchange_clock;
    world_->sum_in_rank_order(rank_grads_.data(), rank_grads_.size(), gather_scratch_);
    add_into(grads, rank_grads_);
    if (extra_size > 0) {
      world_->sum_in_rank_order(rank_extra_.data(), extra_size, gather_scratch_);
      add_into(objective.extra_grads(), rank_extra_);
    }
    exchange(parts, objective.component_names().size());
    exchange_seconds_ += exchange_clock.seconds();
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
  return evaluate_pieces(params, data, chunk, logits_out, loss, nullptr, nullptr);
}

LossSum ShardedModel::evaluate(const float* params, const Dataset& data, int chunk, Loss loss,
                               const Objective& objective, std::vector<double>& components) {
  return evaluate_pieces(params, data, chunk, nullptr, loss, &objective, &components);
}

LossSum ShardedModel::evaluate_pieces(const float* params, const Dataset& data, int chunk,
                                      float* logits_out, Loss loss, const Objective* objective,
                                      std::vector<double>* components) {
  const int piece = std::min(chunk, shard_capacity_);
  const int pieces = (data.size() + piece - 1) / piece;
  // Piece i is this rank's if i % ranks == rank (every piece when the logits are wanted here).
  const bool spread = distributed() && logits_out == nullptr;
  const int ranks = spread ? world_->size() : 1, rank = spread ? world_->rank() : 0;
  std::vector<int> mine;
  for (int i = rank; i < pieces; i += ranks) mine.push_back(i);
  const int count = std::min(shards(), std::max(1, static_cast<int>(mine.size())));
  const int classes = config().n_classes, t = config().seq_len;
  ForwardOptions whole;  // inference
  whole.last_layer = objective ? objective->last_layer() : LastLayer::kTrimmed;
  const SharedPrefix<float> prefix =
      whole.last_layer == LastLayer::kTrimmed ? run_prefixes(params, data) : SharedPrefix<float>{};
  std::vector<int32_t> example_ids;  // [N] positions in data, for the objective
  if (objective) {
    example_ids.resize(data.size());
    std::iota(example_ids.begin(), example_ids.end(), 0);
  }
  const std::size_t n_components = objective ? objective->validation_component_names().size() : 0;
  std::vector<LossSum> parts(pieces);
  std::vector<ObjectiveSums> component_parts(objective ? pieces : 0);
  for (const int i : mine)
    gemm_flops_ += eval_flops(flop_model(config(), whole.last_layer, prefix.length),
                              std::min(piece, data.size() - i * piece));
  for_each_shard(count, [&](int s) {
    SharedPrefix<float> piece_prefix = prefix;
    for (std::size_t j = s; j < mine.size(); j += count) {
      const int i = mine[j];
      const int begin = i * piece, size = std::min(piece, data.size() - begin);
      const int32_t* tokens = data.tokens.data() + int64_t{begin} * t;
      piece_prefix.index = prefix.index + begin;
      const float* logits =
          prefix.length > 0 ? replicas_[s].forward_after_prefix(params, tokens, size, piece_prefix)
                            : replicas_[s].forward(params, tokens, size, whole);
      const int32_t* labels = data.labels.data() + begin;
      parts[i] = cross_entropy(loss, logits, labels, size, classes, nullptr, 1.0);
      if (objective) {
        component_parts[i].components = objective->validation_sums(
            replicas_[s], logits, labels, example_ids.data() + begin, size, scratch_[s]);
        GROK_CHECK(component_parts[i].components.size() == n_components,
                   "the objective returned {} validation components for {} names",
                   component_parts[i].components.size(), n_components);
      }
      if (logits_out != nullptr)
        std::copy_n(logits, int64_t{size} * classes, logits_out + int64_t{begin} * classes);
    }
  });
  if (spread) {
    exchange(parts);
    if (objective) exchange(component_parts, n_components);
  }
  LossSum total;
  for (const LossSum& part : parts) {
    total.loss += part.loss;
    total.correct += part.correct;
    total.collapsed += part.collapsed;
  }
  if (components) {
    components->assign(n_components, 0.0);
    for (const ObjectiveSums& part : component_parts)
      for (std::size_t c = 0; c < part.components.size(); ++c)
        (*components)[c] += part.components[c];
  }
  return total;
}

}  // namespace grok
