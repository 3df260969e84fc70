#include "grokking/distill/distillation_objective.h"

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/train/cross_entropy.h"

namespace grok {
namespace {
// The history columns, in this order whatever the strategies (absent ones record 0).
const std::vector<StrategyKind> kColumns = {StrategyKind::kLogit, StrategyKind::kAttention,
                                            StrategyKind::kFeature};
}  // namespace

DistillationObjective::DistillationObjective(const ModelConfig& student,
                                             const TeacherCache<float>& teacher,
                                             const DistillSettings& settings, uint64_t seed)
    : settings_(settings), classes_(student.n_classes) {
  settings_.validate();
  StrategyOptions options;
  options.temperature = settings.temperature;
  options.seed = seed;
  for (const StrategyKind kind : settings.strategies) {
    strategies_.push_back(make_strategy(kind, student, teacher, options));
    last_layer_ = std::max(last_layer_, last_layer_needs(kind));
    if (Projectors<float>* p = strategies_.back()->projectors()) {
      GROK_CHECK(projectors_ == nullptr, "two strategies own projectors");
      projectors_ = p;
    }
  }
}

std::vector<std::string> DistillationObjective::component_names() const {
  std::vector<std::string> names;
  for (const StrategyKind kind : kColumns) names.push_back(to_string(kind) + "_loss");
  names.push_back("ce_loss");
  return names;
}

double DistillationObjective::weight(StrategyKind kind) const {
  switch (kind) {
    case StrategyKind::kLogit:
      return 1.0 - settings_.alpha;
    case StrategyKind::kAttention:
      return settings_.attention_weight;
    case StrategyKind::kFeature:
      return settings_.feature_weight;
  }
  return 0;
}

ObjectiveSums DistillationObjective::loss_and_gradient(Transformer<float>& model,
                                                       const float* logits, const int32_t* labels,
                                                       const int32_t* example_ids, int batch,
                                                       int normaliser, float* d_logits,
                                                       float* d_extra) {
  ObjectiveSums sums;
  sums.components.assign(kColumns.size() + 1, 0.0);
  // Hard-label CE: (softmax − onehot)·α/normaliser written into d_logits (or zeros without it).
  const bool ce_gradient = settings_.ground_truth && settings_.alpha > 0;
  const LossSum ce =
      softmax_cross_entropy(logits, labels, batch, classes_, ce_gradient ? d_logits : nullptr,
                            ce_gradient ? normaliser / settings_.alpha : 1.0);
  if (!ce_gradient) std::fill_n(d_logits, int64_t{batch} * classes_, 0.0f);
  sums.correct = ce.correct;
  sums.components.back() = ce.loss;
  if (settings_.ground_truth) sums.loss += settings_.alpha * ce.loss;
  for (auto& strategy : strategies_) {
    const double w = weight(strategy->kind());
    const double sum = strategy->add_loss_and_gradient(model, logits, example_ids, batch,
                                                       normaliser, w, d_logits, d_extra);
    const auto column = std::find(kColumns.begin(), kColumns.end(), strategy->kind());
    sums.components[column - kColumns.begin()] = sum;
    sums.loss += w * sum;
  }
  return sums;
}

const TensorLayout* DistillationObjective::extra_layout() const {
  return projectors_ ? &projectors_->layout() : nullptr;
}
float* DistillationObjective::extra_params() {
  return projectors_ ? projectors_->params() : nullptr;
}
float* DistillationObjective::extra_grads() { return projectors_ ? projectors_->grads() : nullptr; }

}  // namespace grok
