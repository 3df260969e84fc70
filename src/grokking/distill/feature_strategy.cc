#include "grokking/distill/feature_strategy.h"

#include <cstring>
#include <vector>

#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
FeatureStrategy<S>::FeatureStrategy(const ModelConfig& student, const TeacherCache<S>& teacher,
                                    uint64_t seed)
    : student_(student),
      teacher_(teacher),
      projectors_(student.hidden_state_count(), teacher.config().dim, student.dim, seed) {
  check_student_shape(StrategyKind::kFeature, teacher.config(), student);
}

template <typename S>
double FeatureStrategy<S>::add_loss_and_gradient(Transformer<S>& student, const S* /*logits*/,
                                                 const int32_t* example_ids, int batch,
                                                 int normaliser, double weight, S* /*d_logits*/,
                                                 S* d_projectors) {
  const int states = student_.hidden_state_count(), t = student_.seq_len;
  const int dt = teacher_.config().dim, ds = student_.dim, rows = batch * t;
  const int64_t teacher_row = int64_t{t} * dt;
  // Per calling thread (shards run side by side): the batch's teacher states [B,T,Dt] and
  // the projections [B,T,Ds].
  thread_local std::vector<S> gathered, scratch;
  gathered.resize(static_cast<std::size_t>(rows) * dt);
  scratch.resize(static_cast<std::size_t>(rows) * ds);
  // Per example: (1/K) Σ_k Σ (h − P_k x)² / (T·Ds); the step mean divides by its size as well.
  const double per_example = 1.0 / (static_cast<double>(states) * t * ds);
  const double scale = weight * per_example / normaliser;
  double sum = 0;
  for (int k = 0; k < states; ++k) {
    for (int b = 0; b < batch; ++b)
      std::memcpy(gathered.data() + b * teacher_row, teacher_.hidden_state(k, example_ids[b]),
                  sizeof(S) * teacher_row);
    S* d_kernel = d_projectors ? d_projectors + projectors_.layout().at(k).offset : nullptr;
    sum += projected_squared_error(student.hidden_state(k), gathered.data(), projectors_.kernel(k),
                                   rows, dt, ds, scale, student.d_hidden_state(k), d_kernel,
                                   scratch.data());
  }
  return sum * per_example;
}

template class FeatureStrategy<float>;
template class FeatureStrategy<double>;

}  // namespace grok
