// The optimizer of a new stage taking over (optim/optimizer_handover.h): the schedule restarts
// at the stage's first step, counted in updates; without reset the moments of tensors trained
// in both stages are kept (so a stage that changes nothing continues bit for bit), a tensor
// frozen before starts fresh; with reset every tensor starts as in a new optimizer.
#include <gtest/gtest.h>

#include <vector>

#include "grokking/optim/optimizer.h"
#include "grokking/optim/optimizer_handover.h"
#include "grokking/optim/param_group.h"

namespace grok {
namespace {

TensorLayout two_tensors() {
  TensorLayout layout;
  layout.add("embedding.embedding", {3, 4});
  layout.add("layers.0.attn.wq.kernel", {4, 4});
  return layout;
}

std::vector<ParamGroup> embedding_frozen(const TensorLayout& layout,
                                         const OptimizerConfig& config) {
  std::vector<int> matches;
  return groups_from_rules({{"^embedding", 0.0, std::nullopt}}, layout, "", config.weight_decay,
                           matches);
}

// Deterministic weights and per-step gradients.
struct Problem {
  std::vector<float> params;
  explicit Problem(const TensorLayout& layout) : params(layout.total_size()) {
    for (std::size_t i = 0; i < params.size(); ++i)
      params[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  }
  void step(Optimizer& optimizer, int64_t t) {
    std::vector<float> g(params.size());
    for (std::size_t i = 0; i < g.size(); ++i)
      g[i] = 0.01f * static_cast<float>((i * 5 + static_cast<std::size_t>(t)) % 11) - 0.05f;
    optimizer.step(params.data(), g.data());
  }
};

TEST(OptimizerHandover, TheScheduleRestartsAtTheStagesFirstUpdate) {
  OptimizerConfig config;
  config.learning_rate = 1e-3;
  config.warmup_steps = 4;
  const TensorLayout layout = two_tensors();
  Problem problem(layout);
  auto first = make_optimizer(config, layout);
  hand_over(nullptr, *first, false, 0);
  std::vector<double> lr;
  for (int64_t t = 0; t < 6; ++t) {
    lr.push_back(first->current_lr());
    problem.step(*first, t);
  }
  OptimizerConfig second_config = config;
  second_config.learning_rate = 2e-3;
  second_config.warmup_steps = 2;
  auto second = make_optimizer(second_config, layout);
  hand_over(first.get(), *second, false, 6);
  EXPECT_EQ(second->count(), 6);  // the run's step count goes on
  for (int64_t t = 6; t < 10; ++t) {
    lr.push_back(second->current_lr());
    problem.step(*second, t);
  }
  // Warmup 4 from 0, then 1e-3; at update 6 the second stage's warmup 2 from 0, then 2e-3.
  EXPECT_EQ(lr, (std::vector<double>{0, 0.25e-3, 0.5e-3, 0.75e-3, 1e-3, 1e-3,  //
                                     0, 1e-3, 2e-3, 2e-3}));
}

// k steps of one optimizer, then a stage with the same settings: without reset it continues
// the unstaged optimizer bit for bit (warmup 0, so the restarted schedule is the same); with
// reset it equals a new optimizer started on the weights reached.
TEST(OptimizerHandover, KeptStateContinuesAndResetStateStartsAfresh) {
  for (const char* type : {"adamw", "muon"}) {
    SCOPED_TRACE(type);
    OptimizerConfig config;
    config.type = type;
    config.warmup_steps = 0;
    const TensorLayout layout = two_tensors();
    Problem unstaged(layout), kept(layout), reset(layout);
    auto plain = make_optimizer(config, layout);
    auto before = make_optimizer(config, layout);
    for (int64_t t = 0; t < 3; ++t) {
      unstaged.step(*plain, t);
      kept.step(*before, t);
    }
    reset.params = kept.params;
    auto keeping = make_optimizer(config, layout);
    hand_over(before.get(), *keeping, /*reset=*/false, 3);
    auto resetting = make_optimizer(config, layout);
    hand_over(before.get(), *resetting, /*reset=*/true, 3);
    for (std::size_t i = 0; i < resetting->state_layout().total_size(); ++i)
      ASSERT_EQ(resetting->state_data()[i], 0.0f) << i;
    Problem fresh(layout);
    fresh.params = kept.params;
    auto new_optimizer = make_optimizer(config, layout);
    for (int64_t t = 3; t < 6; ++t) {
      unstaged.step(*plain, t);
      kept.step(*keeping, t);
      reset.step(*resetting, t);
      fresh.step(*new_optimizer, t);
    }
    EXPECT_EQ(kept.params, unstaged.params);
    EXPECT_EQ(reset.params, fresh.params);
    EXPECT_NE(reset.params, kept.params);  // and the two can differ
  }
}

// Frozen in the first stage, trained in the second: the embedding does not move in stage 1,
// and in stage 2 (state kept for the other tensor) it starts fresh exactly as a new optimizer
// would train it, while the kernel's moments go on.
TEST(OptimizerHandover, ATensorFrozenBeforeStartsFresh) {
  OptimizerConfig config;
  config.warmup_steps = 0;
  const TensorLayout layout = two_tensors();
  Problem staged(layout), fresh(layout);
  const std::vector<float> initial = staged.params;
  auto stage1 = make_optimizer(config, layout, embedding_frozen(layout, config));
  hand_over(nullptr, *stage1, false, 0);
  for (int64_t t = 0; t < 3; ++t) staged.step(*stage1, t);
  const TensorSpec& embedding = layout.at(0);
  for (std::size_t i = embedding.offset; i < embedding.offset + embedding.size(); ++i)
    ASSERT_EQ(staged.params[i], initial[i]) << i;
  auto stage2 = make_optimizer(config, layout);
  hand_over(stage1.get(), *stage2, false, 3);
  EXPECT_EQ(stage2->state_origin(0), 3);  // fresh at the stage's first step
  EXPECT_EQ(stage2->state_origin(1), 0);  // kept from the start
  fresh.params = staged.params;
  auto new_optimizer = make_optimizer(config, layout);
  for (int64_t t = 3; t < 5; ++t) {
    staged.step(*stage2, t);
    fresh.step(*new_optimizer, t);
  }
  bool moved = false;
  for (std::size_t i = embedding.offset; i < embedding.offset + embedding.size(); ++i) {
    EXPECT_EQ(staged.params[i], fresh.params[i]) << i;  // bias corrections from step 1
    moved = moved || staged.params[i] != initial[i];
  }
  EXPECT_TRUE(moved);
  const TensorSpec& kernel = layout.at(1);
  bool differs = false;  // the kernel's kept moments make it differ from a fresh optimizer's
  for (std::size_t i = kernel.offset; i < kernel.offset + kernel.size(); ++i)
    differs = differs || staged.params[i] != fresh.params[i];
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace grok
