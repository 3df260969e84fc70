// One interface for the distillation strategies of REFERENCE.md §5 (logit, attention
// transfer, feature projection): each computes its loss on a batch and ADDS its gradient into
// the student's d_logits or tap gradients (model/transformer.h), which the ordinary backward
// picks up. Strategies combine freely; the objective (distillation_objective.h) weights them.
// Templated on the scalar so that tests run them in double. Not the weighting (objective),
// nor the teacher pass (teacher_cache.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grokking/distill/projectors.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/model/transformer.h"

namespace grok {

enum class StrategyKind { kLogit, kAttention, kFeature };

// "logit" | "attention" | "feature"; UsageError naming --strategies otherwise.
StrategyKind parse_strategy(const std::string& text);
std::string to_string(StrategyKind kind);
// Comma-separated names, each at most once, at least one.
std::vector<StrategyKind> parse_strategies(const std::vector<std::string>& names);

// What the strategy reads from the teacher, and how much of the student's last layer it taps
// (ForwardOptions::last_layer): logit nothing beyond the logits, attention the attention maps
// of every position, feature every hidden state at every position.
TeacherNeeds teacher_needs(StrategyKind kind);
LastLayer last_layer_needs(StrategyKind kind);

// UsageError if the strategy cannot pair the teacher's and student's intermediates: attention
// needs the same depth and heads (one [B,H,T,T] map per layer), feature the same depth (2L+2
// hidden states). No silent truncation. Logit needs the same classes.
void check_student_shape(StrategyKind kind, const ModelConfig& teacher, const ModelConfig& student);

struct StrategyOptions {
  double temperature = 2.0;  // logit
  uint64_t seed = 42;        // projector initialisation (feature)
};

template <typename S>
class DistillStrategy {
 public:
  virtual ~DistillStrategy() = default;
  virtual StrategyKind kind() const = 0;
  // History column of the strategy's loss: "logit_loss", "attention_loss", "feature_loss".
  std::string loss_name() const { return to_string(kind()) + "_loss"; }

  // Called after the student's forward on the training examples example_ids [B] (rows of the
  // teacher cache); logits [B,C]. The B examples are a whole step (normaliser = B) or a shard
  // of a step of `normaliser` examples. Returns Σ over the B examples of the strategy's
  // per-example loss (unweighted) and ADDS weight · d(that sum / normaliser)/d(...) into
  // d_logits [B,C], the student's tap gradients, and d_projectors (projectors()->layout()'s
  // size, laid out as its grads(); unused and may be null without projectors). Shards call
  // it at the same time (each with its own student and gradients): no mutable members.
  virtual double add_loss_and_gradient(Transformer<S>& student, const S* logits,
                                       const int32_t* example_ids, int batch, int normaliser,
                                       double weight, S* d_logits, S* d_projectors) = 0;

  // Trainable tensors the strategy owns (feature projectors), or null.
  virtual Projectors<S>* projectors() { return nullptr; }
};

// Checks the shapes (check_student_shape) and builds the strategy over `teacher`.
template <typename S>
std::unique_ptr<DistillStrategy<S>> make_strategy(StrategyKind kind, const ModelConfig& student,
                                                  const TeacherCache<S>& teacher,
                                                  const StrategyOptions& options);

}  // namespace grok
