#include "grokking/distill/projectors.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"

namespace grok {

template <typename S>
Projectors<S>::Projectors(int count, int teacher_dim, int student_dim, uint64_t seed)
    : count_(count), teacher_dim_(teacher_dim), student_dim_(student_dim) {
  GROK_CHECK(count >= 1 && teacher_dim >= 1 && student_dim >= 1, "projectors {} × [{}, {}]", count,
             teacher_dim, student_dim);
  for (int k = 0; k < count; ++k)
    layout_.add(std::to_string(k) + ".kernel", {teacher_dim, student_dim});
  params_.assign(layout_.total_size(), S(0));
  grads_.assign(layout_.total_size(), S(0));
  const double std = std::sqrt(1.0 / teacher_dim);  // lecun_normal: variance 1/fan_in
  for (int k = 0; k < count; ++k) {
    const Philox rng(seed, RngPurpose::kProjectorInit, static_cast<uint64_t>(k));
    S* w = kernel(k);
    const std::size_t n = layout_.at(k).size();
    for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<S>(std * rng.normal(i));
  }
}

template <typename S>
const S* Projectors<S>::kernel(int k) const {
  GROK_CHECK(k >= 0 && k < count_, "projector {} of {}", k, count_);
  return params_.data() + layout_.at(k).offset;
}

template <typename S>
S* Projectors<S>::kernel(int k) {
  GROK_CHECK(k >= 0 && k < count_, "projector {} of {}", k, count_);
  return params_.data() + layout_.at(k).offset;
}

template <typename S>
void Projectors<S>::set_identity() {
  GROK_CHECK(teacher_dim_ == student_dim_, "identity projector needs Dt == Ds ({} vs {})",
             teacher_dim_, student_dim_);
  std::fill(params_.begin(), params_.end(), S(0));
  for (int k = 0; k < count_; ++k)
    for (int i = 0; i < teacher_dim_; ++i) kernel(k)[int64_t{i} * student_dim_ + i] = S(1);
}

template class Projectors<float>;
template class Projectors<double>;

}  // namespace grok
