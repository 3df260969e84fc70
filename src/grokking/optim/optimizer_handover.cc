#include "grokking/optim/optimizer_handover.h"

#include <algorithm>
#include <vector>

#include "grokking/core/error.h"

namespace grok {

void hand_over(const Optimizer* previous, Optimizer& next, bool reset, int64_t first_step) {
  const std::size_t tensors = next.param_layout().tensors().size();
  std::vector<int64_t> origin(tensors, first_step);
  std::vector<bool> kept(tensors, false);
  if (previous != nullptr) {
    GROK_CHECK(previous->param_layout() == next.param_layout(),
               "optimizer hand-over between different parameter layouts");
    next.set_count(previous->count());
    for (std::size_t t = 0; t < tensors; ++t) {
      kept[t] = !reset && !previous->frozen()[t] && !next.frozen()[t];
      if (kept[t]) origin[t] = previous->state_origin(t);
    }
    // State tensors by name ("adam.mu.<param>"): the same update rule names them alike.
    const TensorLayout& from = previous->state_layout();
    const TensorLayout& to = next.state_layout();
    for (std::size_t i = 0; i < to.tensors().size(); ++i) {
      if (!kept[next.state_param(i)]) continue;
      const TensorSpec& dst = to.at(i);
      const TensorSpec& src = from.find(dst.name);
      GROK_CHECK(src.shape == dst.shape, "optimizer state {} changed shape", dst.name);
      std::copy_n(previous->state_data() + src.offset, dst.size(), next.state_data() + dst.offset);
    }
  }
  next.set_origins(first_step, std::move(origin));
}

}  // namespace grok
