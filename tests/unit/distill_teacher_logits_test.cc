// The offline teacher-logits file (distill/teacher_logits_file.h, teacher_logits.h, top_k.h,
// topk_reconstruction.h): top-k order and ties; writer → reader round trip; the two
// reconstructions (zero: missing classes exactly probability 0; uniform: their mass is
// 1 − Σ top-k at τ = 1 and the whole sums to 1; k = C gives the logits back bit for bit); a
// truncated, corrupted or out-of-range file refused; a file checked against its split.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "grokking/core/atomic_file.h"
#include "grokking/data/task.h"
#include "grokking/distill/teacher_logits.h"
#include "grokking/distill/top_k.h"
#include "unit/model_test_support.h"
#include "unit/test_support.h"

namespace grok {
namespace {

namespace fs = std::filesystem;
using testing_support::error_of;

// p = 23 '/', 25 classes; random logits [N,C] for every example of both splits.
struct Fixture {
  TaskConfig task;
  ModelConfig config;
  Split split;
  std::vector<std::vector<float>> logits;  // per split [N,C]
  Fixture() {
    task.p = 23;
    config.dim = 8;
    apply_task_shape(Task(task), config);
    split = make_split(task);
    for (const Dataset* d : {&split.train, &split.val}) {
      const auto v =
          testing::random_vector(std::size_t(d->size()) * config.n_classes, logits.size() + 1, 4.0);
      logits.emplace_back(v.begin(), v.end());
    }
  }
  // A file as compute_teacher_logits makes it, from these logits.
  TeacherLogitsFile file(int k) const {
    TeacherLogitsFile f;
    f.teacher_sha256 = std::string(64, 'a');
    f.teacher_checkpoint = "/teacher/step_00000001";
    f.teacher_step = 1, f.teacher_epoch = 1, f.teacher_seed = 42;
    f.config = config, f.task = task, f.k = k, f.eval_batch_size = 512;
    f.toolkit_version = "test";
    const int classes = config.n_classes;
    std::vector<int32_t> order;
    for (int i = 0; i < 2; ++i) {
      const Dataset& d = i == 0 ? split.train : split.val;
      TeacherLogitsSplit& s = f.splits.emplace_back();
      s.name = i == 0 ? "train" : "val";
      s.tokens = d.tokens, s.labels = d.labels;
      s.topk_values.resize(std::size_t(d.size()) * k);
      s.topk_indices.resize(s.topk_values.size());
      for (int n = 0; n < d.size(); ++n) {
        const float* z = logits[i].data() + int64_t{n} * classes;
        select_top_k(z, classes, k, s.topk_values.data() + int64_t{n} * k,
                     s.topk_indices.data() + int64_t{n} * k, order);
        s.logsumexp.push_back(static_cast<float>(log_sum_exp(z, classes)));
        s.label_logit.push_back(z[d.labels[n]]);
      }
    }
    return f;
  }
};

class TempFile {
 public:
  TempFile()
      : path_(fs::temp_directory_path() / ("grok-teacher-logits-" + std::to_string(::getpid()) +
                                           "-" + std::to_string(counter_++) + ".h5")) {}
  ~TempFile() { fs::remove(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<double> softmax(const float* z, int n) {
  double max = -std::numeric_limits<double>::infinity(), sum = 0;
  for (int c = 0; c < n; ++c) max = std::max<double>(max, z[c]);
  std::vector<double> p(n);
  for (int c = 0; c < n; ++c) sum += p[c] = std::exp(z[c] - max);
  for (double& v : p) v /= sum;
  return p;
}

TEST(TopK, DescendingWithTiesByLowerClass) {
  const float z[] = {1, 3, 3, 2, 3, -1};
  std::vector<int32_t> order;
  float v[6];
  int32_t c[6];
  select_top_k(z, 6, 3, v, c, order);
  EXPECT_EQ(std::vector<int32_t>(c, c + 3), (std::vector<int32_t>{1, 2, 4}));
  EXPECT_EQ(std::vector<float>(v, v + 3), (std::vector<float>{3, 3, 3}));
  select_top_k(z, 6, 6, v, c, order);
  EXPECT_EQ(std::vector<int32_t>(c, c + 6), (std::vector<int32_t>{1, 2, 4, 3, 0, 5}));
  EXPECT_NEAR(log_sum_exp(z, 6),
              std::log(std::exp(1.) + 3 * std::exp(3.) + std::exp(2.) + std::exp(-1.)), 1e-12);
}

TEST(TeacherLogitsFile, RoundTripKeepsEveryValue) {
  const Fixture fx;
  for (const int level : {0, 4}) {
    const TeacherLogitsFile f = fx.file(8);
    const TempFile tmp;
    const int64_t bytes = write_teacher_logits(f, tmp.path(), level);
    EXPECT_EQ(bytes, int64_t(fs::file_size(tmp.path())));
    const TeacherLogitsFile r = read_teacher_logits(tmp.path());
    EXPECT_EQ(r.datasets_sha256, teacher_logits_checksum(f.splits));
    EXPECT_EQ(r.teacher_sha256, f.teacher_sha256);
    EXPECT_EQ(r.teacher_checkpoint, f.teacher_checkpoint);
    EXPECT_EQ(r.teacher_seed, 42u);
    EXPECT_TRUE(r.config == f.config);
    EXPECT_EQ(r.task.p, 23);
    EXPECT_EQ(r.task.split_seed, f.task.split_seed);
    EXPECT_EQ(r.k, 8);
    ASSERT_EQ(r.splits.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(r.splits[i].name, f.splits[i].name);
      EXPECT_EQ(r.splits[i].tokens, f.splits[i].tokens);
      EXPECT_EQ(r.splits[i].labels, f.splits[i].labels);
      EXPECT_EQ(r.splits[i].topk_values, f.splits[i].topk_values);
      EXPECT_EQ(r.splits[i].topk_indices, f.splits[i].topk_indices);
      EXPECT_EQ(r.splits[i].logsumexp, f.splits[i].logsumexp);
      EXPECT_EQ(r.splits[i].label_logit, f.splits[i].label_logit);
    }
  }
}

TEST(TopkReconstruction, AllClassesGiveTheLogitsBack) {
  const Fixture fx;
  const TeacherLogitsFile f = fx.file(fx.config.n_classes);
  for (const auto mode : {TopkReconstruction::kZero, TopkReconstruction::kUniform}) {
    const TeacherCache<float> cache = teacher_cache_from_file(f, "mem", "val", fx.split.val, mode);
    ASSERT_EQ(cache.size(), fx.split.val.size());
    EXPECT_EQ(
        std::memcmp(cache.logits(0), fx.logits[1].data(), sizeof(float) * fx.logits[1].size()), 0);
  }
}

// The first 20 training examples rebuilt from a k = 5 file: per example the rebuilt logits,
// their softmax p and the softmax of the original logits.
void for_rebuilt_rows(const Fixture& fx, const TeacherLogitsFile& f, TopkReconstruction mode,
                      const std::function<void(int, const float*, const std::vector<double>&,
                                               const std::vector<double>&)>& check) {
  const int classes = fx.config.n_classes;
  const Buffer<float> z = dense_teacher_logits(f, "mem", "train", fx.split.train, mode);
  for (int n = 0; n < 20; ++n) {
    const float* row = z.data() + int64_t{n} * classes;
    check(n, row, softmax(row, classes),
          softmax(fx.logits[0].data() + int64_t{n} * classes, classes));
  }
}

TEST(TopkReconstruction, ZeroGivesMissingClassesProbabilityZero) {
  const Fixture fx;
  const int k = 5, classes = fx.config.n_classes;
  const TeacherLogitsFile f = fx.file(k);
  for_rebuilt_rows(fx, f, TopkReconstruction::kZero,
                   [&](int n, const float* row, const auto& p, const auto& full) {
                     const float* original = fx.logits[0].data() + int64_t{n} * classes;
                     double kept = 0;
                     for (int i = 0; i < k; ++i) kept += full[f.splits[0].topk_indices[n * k + i]];
                     int missing = 0;
                     for (int c = 0; c < classes; ++c) {
                       if (std::isinf(row[c])) {
                         ++missing;
                         EXPECT_EQ(p[c], 0.0);
                       } else {
                         EXPECT_EQ(row[c], original[c]);
                         EXPECT_NEAR(p[c], full[c] / kept, 1e-12);  // renormalised over the k
                       }
                     }
                     EXPECT_EQ(missing, classes - k);
                   });
}

TEST(TopkReconstruction, UniformSpreadsTheRemainingMassEvenly) {
  const Fixture fx;
  const int k = 5, classes = fx.config.n_classes;
  const TeacherLogitsFile f = fx.file(k);
  for_rebuilt_rows(fx, f, TopkReconstruction::kUniform,
                   [&](int n, const float*, const auto& p, const auto& full) {
                     double kept = 0, missing_mass = 0, sum = 0;
                     std::vector<bool> stored(classes, false);
                     for (int i = 0; i < k; ++i) {
                       const int c = f.splits[0].topk_indices[n * k + i];
                       stored[c] = true, kept += full[c];
                       EXPECT_NEAR(p[c], full[c],
                                   1e-6);  // the stored probabilities are kept (float lse)
                     }
                     for (int c = 0; c < classes; ++c) {
                       sum += p[c];
                       if (!stored[c]) {
                         missing_mass += p[c];
                         EXPECT_NEAR(p[c], (1 - kept) / (classes - k), 1e-6);
                       }
                     }
                     EXPECT_GT(missing_mass, 1e-6);
                     EXPECT_NEAR(missing_mass, 1 - kept, 1e-6);
                     EXPECT_NEAR(sum, 1.0, 1e-12);
                   });
}

TEST(TopkReconstruction, UniformFallsBackToZeroWhenNoMassRemains) {
  // Stored logits that hold all the mass (rest <= 0 after rounding): no log of a non-positive.
  const float values[] = {0.0f, -200.0f};
  const int32_t indices[] = {2, 0};
  float z[4];
  reconstruct_logits(values, indices, 2, 0.0f, 4, TopkReconstruction::kUniform, z);
  EXPECT_EQ(z[2], 0.0f);
  EXPECT_EQ(z[0], -200.0f);
  EXPECT_TRUE(std::isinf(z[1]) && z[1] < 0);
  EXPECT_TRUE(std::isinf(z[3]) && z[3] < 0);
}

TEST(TeacherLogitsFile, TruncatedAndCorruptFilesAreRefused) {
  const Fixture fx;
  const TeacherLogitsFile f = fx.file(8);
  const TempFile tmp;
  const std::string image = teacher_logits_image(f, 0, "mem");
  // Truncated: any prefix of the file.
  for (const double fraction : {0.1, 0.5, 0.99}) {
    write_file_atomic(tmp.path(), image.substr(0, std::size_t(image.size() * fraction)));
    EXPECT_CONTAINS(error_of([&] { read_teacher_logits(tmp.path()); }), tmp.path().string());
    EXPECT_THROW(read_teacher_logits(tmp.path()), Error);
  }
  // Corrupt: one byte of the (uncompressed) train logsumexp flipped → checksum mismatch.
  const auto& lse = f.splits[0].logsumexp;
  const std::string needle(reinterpret_cast<const char*>(lse.data()), lse.size() * sizeof(float));
  const std::size_t at = image.find(needle);
  ASSERT_NE(at, std::string::npos);
  std::string corrupt = image;
  corrupt[at + 5] ^= 0x10;
  write_file_atomic(tmp.path(), corrupt);
  EXPECT_CONTAINS(error_of([&] { read_teacher_logits(tmp.path()); }), "checksum mismatch");
  // Not HDF5 at all, and missing.
  write_file_atomic(tmp.path(), "not an hdf5 file");
  EXPECT_CONTAINS(error_of([&] { read_teacher_logits(tmp.path()); }), "not a readable HDF5");
  EXPECT_CONTAINS(error_of([&] { read_teacher_logits("/nonexistent/t.h5"); }),
                  "not a readable HDF5");
}

// Values out of range, with a checksum that matches them (so the range checks are what
// refuses): every value read from the file is untrusted.
TEST(TeacherLogitsFile, OutOfRangeValuesAreRefused) {
  const Fixture fx;
  const auto refused = [&](const std::function<void(TeacherLogitsFile&)>& edit) {
    TeacherLogitsFile f = fx.file(8);
    edit(f);
    const TempFile tmp;
    write_teacher_logits(f, tmp.path(), 1);
    return error_of([&] { read_teacher_logits(tmp.path()); });
  };
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[1].topk_indices[17] = 25; }),
                  "topk_indices: example 2 has class 25 outside [0, 25)");
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[0].topk_indices[9] = -3; }),
                  "has class -3 outside");
  EXPECT_CONTAINS(
      refused([](auto& f) { f.splits[0].topk_indices[1] = f.splits[0].topk_indices[0]; }),
      "lists class");
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[0].topk_values[3] = NAN; }), "non-finite");
  EXPECT_CONTAINS(
      refused([](auto& f) { std::swap(f.splits[0].topk_values[0], f.splits[0].topk_values[1]); }),
      "not in top-k order");
  EXPECT_CONTAINS(
      refused([](auto& f) { f.splits[0].logsumexp[4] = f.splits[0].topk_values[32] - 1; }),
      "logsumexp: example 4");
  EXPECT_CONTAINS(
      refused([](auto& f) { f.splits[1].label_logit[3] = f.splits[1].topk_values[24] + 0.5f; }),
      "label_logit: example 3");
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[0].label_logit[0] = INFINITY; }),
                  "label_logit: example 0");
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[0].labels[0] = 99; }), "label 99 outside");
  EXPECT_CONTAINS(refused([](auto& f) { f.splits[0].tokens[2] = 25; }), "token 25 outside");
  EXPECT_CONTAINS(refused([](auto& f) {
                    f.k = 26;  // more than the class count: pad every row
                    for (auto& s : f.splits) {
                      s.topk_values.resize(s.topk_values.size() / 8 * 26);
                      s.topk_indices.resize(s.topk_values.size());
                    }
                  }),
                  "k 26 is outside [1, 25]");
  EXPECT_CONTAINS(refused([](auto& f) { f.config.n_classes = 30; }), "does not fit its task");
}

TEST(TeacherLogitsFile, SplitExamplesMustBeTheSplits) {
  const Fixture fx;
  const TeacherLogitsFile f = fx.file(8);
  check_split_examples(f, "f.h5", "train", fx.split.train);  // the same: accepted
  Dataset other = fx.split.train;
  other.labels[7] = (other.labels[7] + 1) % 23;
  EXPECT_CONTAINS(error_of([&] { check_split_examples(f, "f.h5", "train", other); }),
                  "label of example 7");
  other = fx.split.train;
  std::swap(other.tokens[40], other.tokens[41]);
  EXPECT_CONTAINS(error_of([&] { check_split_examples(f, "f.h5", "train", other); }),
                  "tokens of example 10");
  EXPECT_CONTAINS(error_of([&] { check_split_examples(f, "f.h5", "train", fx.split.val); }),
                  "tokens of example 0");
  TeacherLogitsFile train_only = f;
  train_only.splits.pop_back();
  EXPECT_THROW(check_split_examples(train_only, "f.h5", "val", fx.split.val), UsageError);
}

TEST(TeacherLogitsFile, AnotherTeachersFileIsRefusedNamingTheMismatch) {
  const Fixture fx;
  const TeacherLogitsFile f = fx.file(8);
  LoadedModel teacher;
  teacher.config = fx.config, teacher.task = fx.task, teacher.step_dir = "/nonexistent";
  teacher.task.split_seed = 7;
  EXPECT_CONTAINS(error_of([&] { check_file_matches_teacher(f, "f.h5", teacher); }),
                  "its split seed is 42, the teacher's (/nonexistent) is 7");
  teacher.task = fx.task;
  teacher.task.train_fraction = 0.3;
  EXPECT_CONTAINS(error_of([&] { check_file_matches_teacher(f, "f.h5", teacher); }),
                  "its train_fraction is 0.5");
  teacher.task = fx.task;
  teacher.config.dim = 16;
  EXPECT_CONTAINS(error_of([&] { check_file_matches_teacher(f, "f.h5", teacher); }),
                  "its model config");
  EXPECT_THROW(check_file_matches_teacher(f, "f.h5", teacher), UsageError);
}

}  // namespace
}  // namespace grok
