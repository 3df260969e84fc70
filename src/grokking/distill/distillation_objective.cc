#include "grokking/distill/distillation_objective.h"

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/distill/distill_stages.h"
#include "grokking/train/cross_entropy.h"

namespace grok {

DistillationObjective::DistillationObjective(const ModelConfig& student,
                                             const TeacherCache<float>& teacher,
                                             const DistillSettings& settings, uint64_t seed)
    : settings_(settings),
      run_settings_(settings),
      student_(student),
      seed_(seed),
      teacher_(teacher),
      classes_(student.n_classes) {
  validate_fields(settings_);
  const StrategyContext<float> context{student, teacher, settings_, seed};
  const auto& table = strategy_table();
  for (std::size_t column = 0; column < table.size(); ++column) {
    const StrategyInfo& info = table[column];
    if (!settings_.has(info.name)) continue;
    terms_.push_back({column, info.weight(settings_), make_strategy(info, context)});
    last_layer_ = std::max(last_layer_, info.last_layer);
    if (Projectors<float>* p = terms_.back().strategy->projectors()) {
      GROK_CHECK(projectors_ == nullptr, "two strategies own projectors");
      projectors_ = p;
    }
  }
}

std::vector<std::string> DistillationObjective::component_names() const {
  std::vector<std::string> names;
  for (const auto& info : strategy_table()) names.push_back(info.loss_column());
  names.push_back("ce_loss");
  return names;
}

ObjectiveSums DistillationObjective::loss_and_gradient(Transformer<float>& model,
                                                       const float* logits, const int32_t* labels,
                                                       const int32_t* example_ids, int batch,
                                                       int normaliser, float* d_logits,
                                                       float* d_extra,
                                                       Scratch<float>& scratch) const {
  ObjectiveSums sums;
  sums.components.assign(strategy_table().size() + 1, 0.0);
  // Hard-label CE: (softmax − onehot)·α/normaliser written into d_logits (or zeros without it).
  const double alpha = settings_.alpha;
  const bool ce_gradient = settings_.ground_truth() && alpha > 0;
  const LossSum ce =
      softmax_cross_entropy(logits, labels, batch, classes_, ce_gradient ? d_logits : nullptr,
                            ce_gradient ? normaliser / alpha : 1.0);
  if (!ce_gradient) std::fill_n(d_logits, int64_t{batch} * classes_, 0.0f);
  sums.correct = ce.correct;
  sums.components.back() = ce.loss;
  if (settings_.ground_truth()) sums.loss += alpha * ce.loss;
  for (const Term& term : terms_) {
    const double sum = term.strategy->add_loss_and_gradient(
        model, logits, example_ids, batch, normaliser, term.weight, d_logits, d_extra, scratch);
    sums.components[term.column] = sum;
    sums.loss += term.weight * sum;
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

void DistillationObjective::begin_stage(const StageConfig& stage) {
  settings_ = settings_for_stage(run_settings_, stage);
  const StrategyContext<float> context{student_, teacher_, settings_, seed_};
  for (Term& term : terms_) {
    const StrategyInfo& info = strategy_table()[term.column];
    term.weight = info.weight(settings_);
    if (term.strategy->projectors() == nullptr) term.strategy = make_strategy(info, context);
  }
}

void DistillationObjective::add_summary(nlohmann::ordered_json& summary) const {
  summary["teacher_cache"] = {{"bytes", teacher_.bytes()}, {"seconds", teacher_.seconds()}};
}

}  // namespace grok
