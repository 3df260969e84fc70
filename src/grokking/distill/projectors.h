// The feature strategy's trainable projections (REFERENCE.md §5): one bias-free Linear
// teacher_dim → student_dim per hidden state, kernel [Dt, Ds] stored [in, out] as the model's
// kernels are. Trained jointly with the student (the trainer optimises and checkpoints them
// under "projectors."; tensor names "projectors.{k}.kernel"). Not the loss (feature_strategy.h).
#pragma once

#include <cstdint>

#include "grokking/core/tensor.h"

namespace grok {

template <typename S>
class Projectors {
 public:
  // LeCun-normal initialisation, as Flax's nnx.Linear default: N(0, 1/Dt), kernel k drawn
  // from Philox(seed, kProjectorInit, step = k). Gradients start at zero.
  Projectors(int count, int teacher_dim, int student_dim, uint64_t seed);

  int count() const { return count_; }
  int teacher_dim() const { return teacher_dim_; }
  int student_dim() const { return student_dim_; }
  const TensorLayout& layout() const { return layout_; }
  S* params() { return params_.data(); }
  S* grads() { return grads_.data(); }
  const S* kernel(int k) const;  // [Dt, Ds]
  S* kernel(int k);

  // Sets every kernel to the identity (Dt == Ds only): P_k(x) = x. For tests.
  void set_identity();

 private:
  int count_, teacher_dim_, student_dim_;
  TensorLayout layout_;
  Buffer<S> params_, grads_;
};

extern template class Projectors<float>;
extern template class Projectors<double>;

}  // namespace grok
