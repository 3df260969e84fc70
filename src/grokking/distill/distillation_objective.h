// The distillation objective (REFERENCE.md §5) plugged into the shared trainer (train/
// objective.h): hard-label cross-entropy weighted α, plus each chosen strategy with its
// weight ((1−α) for logit, w_att, w_feat). History columns: logit_loss, attention_loss,
// feature_loss (the unweighted terms; 0 for a strategy that is off) and ce_loss (the
// student's hard-label CE on its training batches, recorded even with
// --disable_ground_truth). Owns the feature projectors, which the trainer optimises and
// checkpoints as "projectors.". Not the teacher pass (teacher_cache.h).
#pragma once

#include <memory>
#include <vector>

#include "grokking/distill/distill_config.h"
#include "grokking/distill/strategy.h"
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
                                  int normaliser, float* d_logits, float* d_extra) override;
  const TensorLayout* extra_layout() const override;
  float* extra_params() override;
  float* extra_grads() override;

  // The weight of each strategy's term in the total.
  double weight(StrategyKind kind) const;
  Projectors<float>* projectors() { return projectors_; }

 private:
  DistillSettings settings_;
  int classes_;
  LastLayer last_layer_ = LastLayer::kTrimmed;
  std::vector<std::unique_ptr<DistillStrategy<float>>> strategies_;
  Projectors<float>* projectors_ = nullptr;
};

}  // namespace grok
