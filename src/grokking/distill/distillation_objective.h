// The distillation objective (REFERENCE.md §5) plugged into the shared trainer (train/
// objective.h): hard-label cross-entropy weighted α, plus each chosen strategy with its weight
// (strategy_table.h). History columns, each term logged apart (unweighted):
//   <strategy>_loss  every strategy of the table (0 for a strategy that is off); logit_loss is
//                    τ²·KL, the term the total weights
//   ce_loss          the student's hard-label CE on its training batches (recorded even with
//                    --disable_ground_truth)
//   logit_kl         the KL without τ² (0 without the logit strategy)
//   teacher_ce_loss  the teacher's own hard-label CE on the same examples
// and, with the teacher's outputs on the validation split, the same terms on it as
// val_<column> (the student's validation CE is val_loss). Owns the feature projectors, which
// the trainer optimises and checkpoints as the group "projectors.". Not the teacher pass
// (teacher_cache.h).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "grokking/distill/distill_settings.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/train/objective.h"

namespace grok {

class DistillationObjective : public Objective {
 public:
  // UsageError if a strategy cannot pair the shapes (check_student_shape). The teacher caches
  // must outlive the objective; val_teacher (the validation split's, the same outputs) may be
  // null: no validation columns. seed initialises the projectors.
  DistillationObjective(const ModelConfig& student, const TeacherCache<float>& teacher,
                        const TeacherCache<float>* val_teacher, const DistillSettings& settings,
                        uint64_t seed);

  std::vector<std::string> component_names() const override;
  LastLayer last_layer() const override { return last_layer_; }
  ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                  const int32_t* labels, const int32_t* example_ids, int batch,
                                  int normaliser, float* d_logits, float* d_extra,
                                  Scratch<float>& scratch) const override;
  std::vector<std::string> validation_component_names() const override;
  std::vector<double> validation_sums(Transformer<float>& model, const float* logits,
                                      const int32_t* labels, const int32_t* example_ids, int batch,
                                      Scratch<float>& scratch) const override;
  const TensorLayout* extra_layout() const override;
  float* extra_params() override;
  float* extra_grads() override;
  void add_summary(nlohmann::ordered_json& summary) const override;
  // The stage's weights (distill_stages.h) from now on: each term's weight, and the strategies
  // rebuilt with the stage's hyperparameters, but for one that owns projectors (trained state,
  // kept; its only setting is its weight).
  void begin_stage(const StageConfig& stage) override;

  Projectors<float>* projectors() { return projectors_; }

 private:
  struct Term {
    std::size_t column;  // index in strategy_table() and component_names()
    double weight;
    std::unique_ptr<DistillStrategy<float>> strategy;
  };
  // Each strategy's unweighted sum over the batch into sums[column], and logit_kl and
  // teacher_ce_loss at their places (the columns after the table's and ce_loss); d_logits
  // null: losses only.
  double add_terms(const StrategyBatch<float>& in, float* d_logits, float* d_extra,
                   Scratch<float>& scratch, std::vector<double>& sums) const;

  DistillSettings settings_;
  const DistillSettings run_settings_;  // without stages' weights
  const ModelConfig student_;
  const uint64_t seed_;
  const TeacherCache<float>& teacher_;
  const TeacherCache<float>* val_teacher_;
  int classes_;
  LastLayer last_layer_ = LastLayer::kTrimmed;
  std::vector<Term> terms_;
  std::optional<std::size_t> logit_column_;  // the logit strategy's, when it is on
  Projectors<float>* projectors_ = nullptr;
};

}  // namespace grok
