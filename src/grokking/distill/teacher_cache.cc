#include "grokking/distill/teacher_cache.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "grokking/core/error.h"
#include "grokking/core/timer.h"
#include "grokking/distill/top_k.h"
#include "grokking/model/transformer.h"

namespace grok {

template <typename S>
TeacherCache<S>::TeacherCache(const ModelConfig& config, const S* params, const Dataset& data,
                              const TeacherNeeds& needs, int chunk)
    : config_(config), needs_(needs), size_(data.size()), labels_(data.labels) {
  GROK_CHECK(chunk >= 1, "teacher cache chunk {}", chunk);
  const Stopwatch wall;
  const int64_t n = size_, t = config.seq_len;
  const int64_t map = int64_t{config.heads} * t * t, state = t * config.dim;
  if (needs.logits) logits_.assign(n * config.n_classes, S(0));
  if (needs.attention)
    attention_.assign(config.depth, Buffer<S>(static_cast<std::size_t>(n * map), S(0)));
  if (needs.hidden_states)
    hidden_.assign(config.hidden_state_count(),
                   Buffer<S>(static_cast<std::size_t>(n * state), S(0)));
  if (!needs.logits && !needs.attention && !needs.hidden_states) return;

  const int rows = std::max(1, std::min(chunk, size_));
  Transformer<S> teacher(config, rows);
  ForwardOptions options;  // inference: no dropout
  options.last_layer = needs.hidden_states ? LastLayer::kFull
                       : needs.attention   ? LastLayer::kAttentionMaps
                                           : LastLayer::kTrimmed;
  for (int begin = 0; begin < size_; begin += rows) {
    const int count = std::min(rows, size_ - begin);
    const S* logits =
        teacher.forward(params, data.tokens.data() + int64_t{begin} * t, count, options);
    if (needs.logits)
      std::memcpy(logits_.data() + int64_t{begin} * config.n_classes, logits,
                  sizeof(S) * count * config.n_classes);
    for (std::size_t l = 0; l < attention_.size(); ++l)
      std::memcpy(attention_[l].data() + begin * map, teacher.attention_probs(static_cast<int>(l)),
                  sizeof(S) * count * map);
    for (std::size_t k = 0; k < hidden_.size(); ++k)
      std::memcpy(hidden_[k].data() + begin * state, teacher.hidden_state(static_cast<int>(k)),
                  sizeof(S) * count * state);
  }
  if (needs.logits) compute_cross_entropy();
  seconds_ = wall.seconds();
}

template <typename S>
void TeacherCache<S>::compute_cross_entropy() {
  cross_entropy_.resize(static_cast<std::size_t>(size_));
  for (int n = 0; n < size_; ++n) {
    GROK_CHECK(labels_[n] >= 0 && labels_[n] < config_.n_classes, "label {} of example {}",
               labels_[n], n);
    const S* z = logits(n);
    cross_entropy_[n] = log_sum_exp(z, config_.n_classes) - static_cast<double>(z[labels_[n]]);
  }
}

template <typename S>
void TeacherCache<S>::set_logits(Buffer<S> logits, double seconds) {
  GROK_CHECK(static_cast<int64_t>(logits.size()) == int64_t{size_} * config_.n_classes,
             "teacher logits of {} values for {} examples of {} classes", logits.size(), size_,
             config_.n_classes);
  logits_ = std::move(logits);
  needs_.logits = true;
  compute_cross_entropy();
  seconds_ += seconds;
}

template <typename S>
void TeacherCache<S>::set_cross_entropy(std::vector<double> per_example) {
  GROK_CHECK(needs_.logits && static_cast<int64_t>(per_example.size()) == size_,
             "teacher cross-entropy of {} examples for {} (logits set first)", per_example.size(),
             size_);
  cross_entropy_ = std::move(per_example);
}

template <typename S>
double TeacherCache<S>::cross_entropy(int example) const {
  GROK_CHECK(example >= 0 && example < size_, "teacher cross-entropy of example {}", example);
  return needs_.logits ? cross_entropy_[example] : std::nan("");
}

template <typename S>
const S* TeacherCache<S>::logits(int example) const {
  GROK_CHECK(needs_.logits && example >= 0 && example < size_, "teacher logits of {}", example);
  return logits_.data() + int64_t{example} * config_.n_classes;
}

template <typename S>
const S* TeacherCache<S>::attention(int layer, int example) const {
  GROK_CHECK(
      needs_.attention && layer >= 0 && layer < config_.depth && example >= 0 && example < size_,
      "teacher attention of layer {}, example {}", layer, example);
  return attention_[layer].data() +
         int64_t{example} * config_.heads * config_.seq_len * config_.seq_len;
}

template <typename S>
const S* TeacherCache<S>::hidden_state(int k, int example) const {
  GROK_CHECK(needs_.hidden_states && k >= 0 && k < config_.hidden_state_count() && example >= 0 &&
                 example < size_,
             "teacher hidden state {}, example {}", k, example);
  return hidden_[k].data() + int64_t{example} * config_.seq_len * config_.dim;
}

template <typename S>
int64_t TeacherCache<S>::bytes() const {
  int64_t total = static_cast<int64_t>(logits_.size());
  for (const auto& b : attention_) total += static_cast<int64_t>(b.size());
  for (const auto& b : hidden_) total += static_cast<int64_t>(b.size());
  return total * static_cast<int64_t>(sizeof(S));
}

template class TeacherCache<float>;
template class TeacherCache<double>;

}  // namespace grok
