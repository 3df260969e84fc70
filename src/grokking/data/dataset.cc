#include "grokking/data/dataset.h"

#include "grokking/core/error.h"
#include "grokking/data/shuffle.h"

namespace grok {
namespace {

void reserve(Dataset& data, std::size_t n) {
  data.tokens.reserve(n * kSeqLen);
  data.labels.reserve(n);
  data.a.reserve(n);
  data.b.reserve(n);
}

void append(Dataset& data, int p, int a, int b, int c) {
  data.tokens.insert(data.tokens.end(), {a, p, b, p + 1});
  data.labels.push_back(c);
  data.a.push_back(a);
  data.b.push_back(b);
}

// The rows perm[begin..end) of `all`, in that order.
Dataset select(const Dataset& all, int p, const std::vector<int64_t>& perm, std::size_t begin,
               std::size_t end) {
  Dataset out;
  reserve(out, end - begin);
  for (std::size_t k = begin; k < end; ++k) {
    const auto i = static_cast<std::size_t>(perm[k]);
    append(out, p, all.a[i], all.b[i], all.labels[i]);
  }
  return out;
}

}  // namespace

Dataset make_dataset(const TaskConfig& config) {
  config.validate();
  const int p = config.p;
  const int b_first = config.operation == Operation::kDiv ? 1 : 0;
  Dataset data;
  reserve(data, static_cast<std::size_t>(config.pair_count()));
  for (int a = 0; a < p; ++a)
    for (int b = b_first; b < p; ++b)
      append(data, p, a, b, apply_operation(config.operation, a, b, p));
  GROK_CHECK(data.size() == config.pair_count());
  return data;
}

Split make_split(const TaskConfig& config) {
  const Dataset all = make_dataset(config);
  const std::vector<int64_t> perm =
      numpy_permutation(all.size(), static_cast<uint32_t>(config.effective_split_seed()));
  const auto n_train = static_cast<std::size_t>(config.train_count());
  return {select(all, config.p, perm, 0, n_train),
          select(all, config.p, perm, n_train, perm.size())};
}

}  // namespace grok
