#include "grokking/distill/distillation_objective.h"

#include <algorithm>
#include <cmath>

#include "grokking/core/error.h"
#include "grokking/distill/distill_stages.h"
#include "grokking/train/cross_entropy.h"

namespace grok {
namespace {

// The columns after the strategy table's: [ce_loss, logit_kl, teacher_ce_loss].
std::size_t ce_column() { return strategy_table().size(); }
std::size_t kl_column() { return strategy_table().size() + 1; }
std::size_t teacher_ce_column() { return strategy_table().size() + 2; }

// Σ over the examples of the teacher's hard-label CE (NaN if the cache holds no logits).
double teacher_cross_entropy(const TeacherCache<float>& teacher, const int32_t* example_ids,
                             int batch) {
  double sum = 0;
  for (int b = 0; b < batch; ++b) sum += teacher.cross_entropy(example_ids[b]);
  return sum;
}

}  // namespace

DistillationObjective::DistillationObjective(const ModelConfig& student,
                                             const TeacherCache<float>& teacher,
                                             const TeacherCache<float>* val_teacher,
                                             const DistillSettings& settings, uint64_t seed)
    : settings_(settings),
      run_settings_(settings),
      student_(student),
      seed_(seed),
      teacher_(teacher),
      val_teacher_(val_teacher),
      classes_(student.n_classes) {
  validate_fields(settings_);
  GROK_CHECK(!val_teacher_ || val_teacher_->needs() == teacher_.needs(),
             "the validation teacher cache holds other outputs than the training one");
  const StrategyContext<float> context{student, teacher, settings_, seed};
  const auto& table = strategy_table();
  for (std::size_t column = 0; column < table.size(); ++column) {
    const StrategyInfo& info = table[column];
    if (!settings_.has(info.name)) continue;
    terms_.push_back({column, info.weight(settings_), make_strategy(info, context)});
    last_layer_ = std::max(last_layer_, info.last_layer);
    if (std::string(info.name) == "logit") logit_column_ = column;
    if (Projectors<float>* p = terms_.back().strategy->projectors()) {
      GROK_CHECK(projectors_ == nullptr, "two strategies own projectors");
      projectors_ = p;
    }
  }
}

std::vector<std::string> DistillationObjective::component_names() const {
  std::vector<std::string> names;
  for (const auto& info : strategy_table()) names.push_back(info.loss_column());
  names.insert(names.end(), {"ce_loss", "logit_kl", "teacher_ce_loss"});
  return names;
}

std::vector<std::string> DistillationObjective::validation_component_names() const {
  if (!val_teacher_) return {};
  std::vector<std::string> names = component_names();
  names.erase(names.begin() + static_cast<std::ptrdiff_t>(ce_column()));  // that is val_loss
  return names;
}

double DistillationObjective::add_terms(const StrategyBatch<float>& in, float* d_logits,
                                        float* d_extra, Scratch<float>& scratch,
                                        std::vector<double>& sums) const {
  double weighted = 0;
  for (const Term& term : terms_) {
    const double sum =
        term.strategy->add_loss_and_gradient(in, term.weight, d_logits, d_extra, scratch);
    sums[term.column] = sum;
    weighted += term.weight * sum;
  }
  if (logit_column_) {
    const double tau = settings_.param("temperature");
    sums[kl_column()] = sums[*logit_column_] / (tau * tau);
  }
  sums[teacher_ce_column()] = teacher_cross_entropy(in.teacher, in.example_ids, in.batch);
  return weighted;
}

ObjectiveSums DistillationObjective::loss_and_gradient(Transformer<float>& model,
                                                       const float* logits, const int32_t* labels,
                                                       const int32_t* example_ids, int batch,
                                                       int normaliser, float* d_logits,
                                                       float* d_extra,
                                                       Scratch<float>& scratch) const {
  ObjectiveSums sums;
  sums.components.assign(teacher_ce_column() + 1, 0.0);
  // Hard-label CE: (softmax − onehot)·α/normaliser written into d_logits (or zeros without it).
  const double alpha = settings_.alpha;
  const bool ce_gradient = settings_.ground_truth() && alpha > 0;
  const LossSum ce =
      softmax_cross_entropy(logits, labels, batch, classes_, ce_gradient ? d_logits : nullptr,
                            ce_gradient ? normaliser / alpha : 1.0);
  if (!ce_gradient) std::fill_n(d_logits, int64_t{batch} * classes_, 0.0f);
  sums.correct = ce.correct;
  sums.components[ce_column()] = ce.loss;
  if (settings_.ground_truth()) sums.loss += alpha * ce.loss;
  const StrategyBatch<float> in{model, logits, teacher_, example_ids, batch, normaliser};
  sums.loss += add_terms(in, d_logits, d_extra, scratch, sums.components);
  return sums;
}

std::vector<double> DistillationObjective::validation_sums(Transformer<float>& model,
                                                           const float* logits,
                                                           const int32_t* /*labels*/,
                                                           const int32_t* example_ids, int batch,
                                                           Scratch<float>& scratch) const {
  GROK_CHECK(val_teacher_, "no teacher outputs on the validation split");
  std::vector<double> sums(teacher_ce_column() + 1, 0.0);
  const StrategyBatch<float> in{model, logits, *val_teacher_, example_ids, batch, batch};
  add_terms(in, nullptr, nullptr, scratch, sums);
  sums.erase(sums.begin() + static_cast<std::ptrdiff_t>(ce_column()));
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
  int64_t bytes = teacher_.bytes();
  double seconds = teacher_.seconds();
  if (val_teacher_) bytes += val_teacher_->bytes(), seconds += val_teacher_->seconds();
  summary["teacher_cache"] = {{"bytes", bytes}, {"seconds", seconds}};
}

}  // namespace grok
