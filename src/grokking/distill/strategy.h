// One interface for the distillation strategies of REFERENCE.md §5 (logit, attention transfer,
// feature projection, and any added to strategy_table.h): each computes its loss on a batch and
// ADDS its gradient into the student's d_logits or tap gradients (model/transformer.h), which
// the ordinary backward picks up. Strategies combine freely; the objective
// (distillation_objective.h) weights them. Templated on the scalar so that tests run them in
// double. Not the list of strategies (strategy_table.h), the weighting (objective), nor the
// teacher pass (teacher_cache.h).
#pragma once

#include <cstdint>
#include <memory>

#include "grokking/core/scratch.h"
#include "grokking/distill/distill_settings.h"
#include "grokking/distill/projectors.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/model/transformer.h"

namespace grok {

// What a strategy is built from.
template <typename S>
struct StrategyContext {
  const ModelConfig& student;
  const TeacherCache<S>& teacher;   // the training split's (shapes; a batch names its own)
  const DistillSettings& settings;  // its own hyperparameters: settings.param("temperature")
  uint64_t seed;                    // initialisation of anything it trains (projectors)
};

// One batch a strategy scores.
template <typename S>
struct StrategyBatch {
  Transformer<S>& student;         // after its forward on the B examples (taps filled)
  const S* logits;                 // [B,C] the student's
  const TeacherCache<S>& teacher;  // the teacher's outputs on the examples' split
  const int32_t* example_ids;      // [B] rows of teacher
  int batch;                       // B
  int normaliser;                  // examples of the whole step: B, or more for a shard of it
};

template <typename S>
class DistillStrategy {
 public:
  virtual ~DistillStrategy() = default;

  // Called after the student's forward on a batch (a whole step, normaliser = B, or a shard of
  // a step). Returns Σ over the B examples of the strategy's per-example loss (unweighted) and
  // ADDS weight · d(that sum / normaliser)/d(...) into d_logits [B,C], the student's tap
  // gradients, and d_projectors (projectors()'s layout; may be null without projectors).
  // d_logits null: the loss only, no gradient anywhere (validation). const: shards call it
  // side by side, each with its own student, gradients and scratch.
  virtual double add_loss_and_gradient(const StrategyBatch<S>& in, double weight, S* d_logits,
                                       S* d_projectors, Scratch<S>& scratch) const = 0;

  // Trainable tensors the strategy owns (feature projectors), or null.
  virtual Projectors<S>* projectors() { return nullptr; }
};

}  // namespace grok
