#include "grokking/data/dataset.h"

#include <cmath>
#include <numeric>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/data/shuffle.h"

namespace grok {
namespace {

void reserve(Dataset& data, std::size_t n) {
  data.tokens.reserve(n * static_cast<std::size_t>(data.seq_len));
  data.labels.reserve(n);
  data.a.reserve(n);
  data.b.reserve(n);
}

// Row i of `all` appended to `out`.
void append_row(const Dataset& all, std::size_t i, Dataset& out) {
  const auto t = static_cast<std::size_t>(all.seq_len);
  out.tokens.insert(out.tokens.end(), all.tokens.begin() + i * t, all.tokens.begin() + (i + 1) * t);
  out.labels.push_back(all.labels[i]);
  out.a.push_back(all.a[i]);
  out.b.push_back(all.b[i]);
  if (!all.c.empty()) out.c.push_back(all.c[i]);
}

// The rows perm[begin..end) of `all`, in that order.
Dataset select(const Dataset& all, const std::vector<int64_t>& perm, std::size_t begin,
               std::size_t end) {
  Dataset out;
  out.seq_len = all.seq_len;
  reserve(out, end - begin);
  for (std::size_t k = begin; k < end; ++k) append_row(all, static_cast<std::size_t>(perm[k]), out);
  return out;
}

// make_split's label noise on the training rows (dataset.h).
void add_label_noise(const TaskConfig& config, int symbols, Split& split) {
  Dataset& train = split.train;
  train.true_labels = train.labels;
  split.val.true_labels = split.val.labels;
  const auto k =
      static_cast<std::size_t>(std::floor(config.label_noise * static_cast<double>(train.size())));
  PhiloxWords next_u32(Philox(config.split_seed, RngPurpose::kLabelNoise, 0));
  std::vector<int32_t> rows(static_cast<std::size_t>(train.size()));
  std::iota(rows.begin(), rows.end(), 0);
  fisher_yates(rows, next_u32);
  for (std::size_t i = 0; i < k; ++i)
    train.labels[static_cast<std::size_t>(rows[i])] =
        static_cast<int32_t>(random_interval(next_u32, static_cast<uint32_t>(symbols - 1)));
}

}  // namespace

Dataset make_dataset(const Task& task) {
  Dataset data;
  data.seq_len = task.seq_len();
  const int n = task.example_count();
  const bool three = task.operand_count() == 3;
  reserve(data, static_cast<std::size_t>(n));
  if (three) data.c.reserve(static_cast<std::size_t>(n));
  std::vector<int32_t> tokens(static_cast<std::size_t>(data.seq_len));
  int32_t operands[3];
  for (int i = 0; i < n; ++i) {
    data.labels.push_back(task.example(i, tokens.data(), operands));
    data.tokens.insert(data.tokens.end(), tokens.begin(), tokens.end());
    data.a.push_back(operands[0]);
    data.b.push_back(operands[1]);
    if (three) data.c.push_back(operands[2]);
  }
  return data;
}

Split make_split(const TaskConfig& config) {
  const Task task(config);
  const Dataset all = make_dataset(task);
  const std::vector<int64_t> perm =
      numpy_permutation(all.size(), static_cast<uint32_t>(config.split_seed));
  const auto n_train = static_cast<std::size_t>(task.train_count());
  Split split{select(all, perm, 0, n_train), select(all, perm, n_train, perm.size())};
  if (config.label_noise > 0) add_label_noise(config, task.symbol_count(), split);
  return split;
}

}  // namespace grok
