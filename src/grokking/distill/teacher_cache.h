// The frozen teacher's outputs on the training split, computed once before the first epoch
// in inference mode (DESIGN.md "The teacher runs once") and reused every epoch: a teacher in
// inference mode is deterministic, so re-running it per batch would only repeat work. Holds
// only what the chosen strategies read. Not the strategies themselves (*_strategy.h).
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/core/tensor.h"
#include "grokking/data/dataset.h"
#include "grokking/model/model_config.h"

namespace grok {

// What the strategies read from the teacher.
struct TeacherNeeds {
  bool logits = false;         // [N,C]
  bool attention = false;      // L × [N,H,T,T]
  bool hidden_states = false;  // (2L+2) × [N,T,D]
  TeacherNeeds& operator|=(const TeacherNeeds& o) {
    logits |= o.logits, attention |= o.attention, hidden_states |= o.hidden_states;
    return *this;
  }
  bool operator==(const TeacherNeeds&) const = default;
};

template <typename S>
class TeacherCache {
 public:
  // Runs the teacher (config, params) over every example of `data` in chunks of `chunk`
  // examples, inference mode (no dropout), all positions of the last layer when a tap needs
  // them. Rows are indexed by the example's position in `data`. With nothing needed the
  // teacher does not run and params may be null (then set_logits fills the logits).
  TeacherCache(const ModelConfig& config, const S* params, const Dataset& data,
               const TeacherNeeds& needs, int chunk = 512);

  // Takes precomputed logits [N,C] (N = size(); from a teacher-logits file, teacher_logits.h)
  // in place of the teacher's; needs().logits is then on. `seconds` (reading them) is added to
  // seconds().
  void set_logits(Buffer<S> logits, double seconds = 0);
  // The teacher's exact hard-label cross-entropy per example [N], for logits that are a
  // reconstruction (a top-k file: logsumexp − label_logit), in place of the logits' own.
  void set_cross_entropy(std::vector<double> per_example);

  const ModelConfig& config() const { return config_; }
  const TeacherNeeds& needs() const { return needs_; }
  int size() const { return size_; }
  const S* logits(int example) const;                // [C]
  const S* attention(int layer, int example) const;  // [H,T,T]
  const S* hidden_state(int k, int example) const;   // [T,D]
  // The teacher's hard-label cross-entropy on the example: log Σ exp(z) − z_label of its logits
  // (computed once, when they are set), or the one given to set_cross_entropy; NaN without
  // logits.
  double cross_entropy(int example) const;

  // Bytes held by the cached outputs (recorded in the summary).
  int64_t bytes() const;
  double seconds() const { return seconds_; }  // wall time of the teacher pass (or file read)

 private:
  ModelConfig config_;
  TeacherNeeds needs_;
  int size_ = 0;
  // Fills cross_entropy_ from the logits.
  void compute_cross_entropy();

  std::vector<int32_t> labels_;        // [N] the examples' labels
  Buffer<S> logits_;                   // [N,C]
  std::vector<double> cross_entropy_;  // [N] with logits
  std::vector<Buffer<S>> attention_;   // per layer [N,H,T,T]
  std::vector<Buffer<S>> hidden_;      // per state [N,T,D]
  double seconds_ = 0;
};

extern template class TeacherCache<float>;
extern template class TeacherCache<double>;

}  // namespace grok
