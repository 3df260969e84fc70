// The distillation objective (REFERENCE.md §5) plugged into the shared trainer (train/
// objective.h): hard-label cross-entropy weighted α, plus each chosen strategy with its weight
// (strategy_table.h). History columns: <strategy>_loss for every strategy of the table (the
// unweighted terms; 0 for a strategy that is off) and ce_loss (the student's hard-label CE on
// its training batches, recorded even with --disable_ground_truth). Owns the feature
// projectors, which the trainer optimises and checkpoints as the group "projectors.". Not the
// teacher pass (teacher_cache.h).
#pragma once

#include <memory>
#include <vector>

#include "grokking/distill/distill_settings.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/train/objective.h"

namespace grok {

class DistillationObjective : public Objective {
 public:
  // UsageError if a strategy cannot pair the shapes (check_student_shape). The teacher cache
  // must outlive the objective. seed initialises the projectors.
  DistillationObjective(const ModelConfig& student, const TeacherCache<float>& teacher,
                        const DistillSettings& settings, uint64_t seed);

  std::vector<std::string> component_names() const override;
  LastLayer last_layer() const override { return last_layer_; }
  ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                  const int32_t* labels, const int32_t* example_ids, int batch,
                                  int normaliser, float* d_logits, float* d_extra,
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
  DistillSettings settings_;
  const DistillSettings run_settings_;  // without stages' weights
  const ModelConfig student_;
  const uint64_t seed_;
  const TeacherCache<float>& teacher_;
  int classes_;
  LastLayer last_layer_ = LastLayer::kTrimmed;
  std::vector<Term> terms_;
  Projectors<float>* projectors_ = nullptr;
};

}  // namespace grok
