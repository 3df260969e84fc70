// What bench_model and bench_profile share: random examples of the p = 97 task and the
// trainer's own step and evaluation (train/sharded_model.h) over a given model config.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grokking/core/philox.h"
#include "grokking/core/tensor.h"
#include "grokking/model/model_config.h"
#include "grokking/model/transformer.h"
#include "grokking/optim/optimizer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/sharded_model.h"

namespace grok::bench {

constexpr int kP = 97;
constexpr int kBatch = 512;
constexpr int kEvalExamples = 4656;  // the validation half of p = 97 division
constexpr int kEvalChunk = 512;

// The teacher's config (the defaults) at width `dim` (64: the 0.5× student).
inline ModelConfig config_of_width(int dim) {
  ModelConfig c;
  c.dim = dim;
  return c;
}

// n examples [a, op, b, eq] of the p = 97 task with random operands, and random labels.
inline void random_examples(int n, std::vector<int32_t>& tokens, std::vector<int32_t>& labels) {
  const Philox rng(8, RngPurpose::kTest, 0);
  tokens.resize(static_cast<std::size_t>(n) * 4);
  labels.resize(n);
  for (int i = 0; i < n; ++i) {
    const PhiloxBlock b = rng.block(i);
    tokens[4 * i] = static_cast<int32_t>(b[0] % kP);
    tokens[4 * i + 1] = kP;
    tokens[4 * i + 2] = static_cast<int32_t>(1 + b[1] % (kP - 1));
    tokens[4 * i + 3] = kP + 1;
    labels[i] = static_cast<int32_t>(b[2] % kP);
  }
}

// The trainer's step (forward with dropout, cross-entropy, backward over the shards, AdamW)
// and evaluation, `shards` replicas.
struct ModelBench {
  ModelConfig c;
  TensorLayout layout = param_layout(c);
  Buffer<float> params, grads;
  ShardedModel model;
  CrossEntropyObjective objective{c.n_classes};
  std::unique_ptr<Optimizer> optimizer;
  Dataset data;
  std::vector<int32_t> ids;

  ModelBench(const ModelConfig& config, int examples, int shards)
      : c(config), model(c, kBatch, shards) {
    params.assign(layout.total_size(), 0.0f);
    init_params(c, layout, 42, params.data());
    grads.assign(layout.total_size(), 0.0f);
    optimizer = make_optimizer(OptimizerConfig{}, layout);
    random_examples(examples, data.tokens, data.labels);
    for (int i = 0; i < examples; ++i) ids.push_back(i);
  }

  void train_step(uint64_t step) {
    ForwardOptions opts;
    opts.training = true;
    opts.dropout_seed = 42;
    opts.step = step;
    std::fill(grads.begin(), grads.end(), 0.0f);
    model.train_step(params.data(), data.tokens.data(), data.labels.data(), ids.data(), kBatch,
                     opts, objective, grads.data());
    optimizer->step(params.data(), grads.data());
  }

  double eval_pass() { return model.evaluate(params.data(), data, kEvalChunk).loss; }
};

}  // namespace grok::bench
