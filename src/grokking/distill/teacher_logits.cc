#include "grokking/distill/teacher_logits.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "grokking/core/error.h"
#include "grokking/core/paths.h"
#include "grokking/core/sha256.h"
#include "grokking/core/timer.h"
#include "grokking/distill/top_k.h"

namespace grok {
namespace {

const Dataset& split_by_name(const Split& split, const std::string& name) {
  if (name == "train") return split.train;
  if (name == "val") return split.val;
  throw UsageError(fmt::format("splits: '{}' is not a split; use train and/or val", name));
}

}  // namespace

int stored_top_k(int top_k, int classes) {
  GROK_CHECK(top_k >= 0 && classes >= 1, "top_k {} of {} classes", top_k, classes);
  return top_k == 0 ? classes : std::min(top_k, classes);
}

TeacherLogitsFile compute_teacher_logits(const LoadedModel& teacher,
                                         const std::vector<std::string>& splits, int top_k,
                                         int eval_batch_size) {
  TeacherLogitsFile f;
  f.teacher_sha256 = sha256_file_hex(teacher.step_dir / "model.safetensors");
  f.teacher_checkpoint = absolute_path(teacher.step_dir).string();
  f.teacher_step = teacher.step;
  f.teacher_epoch = teacher.epoch;
  f.teacher_seed = teacher.metadata.value("seed", teacher.task.split_seed);
  f.config = teacher.config;
  f.task = teacher.task;
  f.k = stored_top_k(top_k, teacher.config.n_classes);
  f.eval_batch_size = eval_batch_size;
  f.toolkit_version = GROK_VERSION;
  const Split split = make_split(teacher.task);
  const int classes = teacher.config.n_classes, k = f.k;
  TeacherNeeds needs;
  needs.logits = true;
  std::vector<int32_t> order;
  for (const std::string& name : splits) {
    const Dataset& data = split_by_name(split, name);
    // The same chunks as distill's online cache (distill_run.cc): GEMM results may depend on
    // the number of rows per call.
    const TeacherCache<float> cache(teacher.config, teacher.params.data(), data, needs,
                                    std::min(eval_batch_size, data.size()));
    TeacherLogitsSplit& s = f.splits.emplace_back();
    s.name = name;
    s.tokens = data.tokens;
    s.labels = data.labels;
    const int64_t n = data.size();
    s.topk_values.resize(static_cast<std::size_t>(n * k));
    s.topk_indices.resize(static_cast<std::size_t>(n * k));
    s.logsumexp.resize(static_cast<std::size_t>(n));
    s.label_logit.resize(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const float* logits = cache.logits(static_cast<int>(i));
      for (int c = 0; c < classes; ++c)
        if (!std::isfinite(logits[c]))
          throw Error(
              fmt::format("{}: the teacher's logit {} of {} example {} is {}; cannot "
                          "store a non-finite teacher",
                          teacher.step_dir.string(), c, name, i, logits[c]));
      select_top_k(logits, classes, k, s.topk_values.data() + i * k, s.topk_indices.data() + i * k,
                   order);
      s.logsumexp[i] = static_cast<float>(log_sum_exp(logits, classes));
      s.label_logit[i] = logits[s.labels[i]];
    }
  }
  return f;
}

LoadedModel teacher_from_logits_file(const TeacherLogitsFile& file) {
  LoadedModel teacher;
  teacher.config = file.config;
  teacher.task = file.task;
  teacher.step_dir = file.teacher_checkpoint;
  teacher.step = file.teacher_step;
  teacher.epoch = file.teacher_epoch;
  teacher.metadata = {{"seed", file.teacher_seed}};
  return teacher;
}

void check_file_matches_teacher(const TeacherLogitsFile& file, const std::string& source,
                                const LoadedModel& teacher) {
  const std::string where = teacher.step_dir.string();
  const auto refuse = [&](const std::string& what, const std::string& in_file,
                          const std::string& in_teacher) {
    throw UsageError(fmt::format(
        "teacher_logits: {} holds the logits of another teacher: its {} is {}, the teacher's "
        "({}) is {}; write the file from this teacher with grokking teacher-logits",
        source, what, in_file, where, in_teacher));
  };
  const TaskConfig &a = file.task, &b = teacher.task;
  if (a.p != b.p) refuse("p", std::to_string(a.p), std::to_string(b.p));
  if (a.operation != b.operation)
    refuse("operation", to_string(a.operation), to_string(b.operation));
  if (a.train_fraction != b.train_fraction)
    refuse("train_fraction", format_double(a.train_fraction), format_double(b.train_fraction));
  if (a.label_noise != b.label_noise)
    refuse("label_noise", format_double(a.label_noise), format_double(b.label_noise));
  if (a.split_seed != b.split_seed)
    refuse("split seed", std::to_string(a.split_seed), std::to_string(b.split_seed));
  if (file.config.vocab_size != teacher.config.vocab_size)
    refuse("vocabulary", std::to_string(file.config.vocab_size),
           std::to_string(teacher.config.vocab_size));
  if (file.config.n_classes != teacher.config.n_classes)
    refuse("class count", std::to_string(file.config.n_classes),
           std::to_string(teacher.config.n_classes));
  if (!(file.config == teacher.config))
    refuse("model config", model_config_json(file.config).dump(),
           model_config_json(teacher.config).dump());
  const std::string sha = sha256_file_hex(teacher.step_dir / "model.safetensors");
  if (file.teacher_sha256 != sha) refuse("model.safetensors sha256", file.teacher_sha256, sha);
}

void check_split_examples(const TeacherLogitsFile& file, const std::string& source,
                          const std::string& name, const Dataset& expected) {
  const TeacherLogitsSplit* s = file.find(name);
  if (!s)
    throw UsageError(fmt::format(
        "teacher_logits: {} has no '{}' split (it holds {}); write it with --splits train,val",
        source, name, file.splits.size() == 1 ? file.splits[0].name : "train,val"));
  const auto refuse = [&](const std::string& what) {
    throw Error(fmt::format(
        "teacher_logits: {}: the '{}' split's {} — not the split of its "
        "task p = {} '{}' split seed {} (corrupt or altered file)",
        source, name, what, file.task.p, to_string(file.task.operation), file.task.split_seed));
  };
  if (s->examples() != expected.size())
    refuse(fmt::format("{} examples differ from the split's {}", s->examples(), expected.size()));
  const int t = expected.seq_len;
  for (int n = 0; n < expected.size(); ++n) {
    if (!std::equal(expected.tokens.begin() + int64_t{n} * t,
                    expected.tokens.begin() + int64_t{n + 1} * t,
                    s->tokens.begin() + int64_t{n} * t))
      refuse(fmt::format("tokens of example {} differ from the split's", n));
    if (s->labels[n] != expected.labels[n])
      refuse(fmt::format("label of example {} is {}, the split's is {}", n, s->labels[n],
                         expected.labels[n]));
  }
}

Buffer<float> dense_teacher_logits(const TeacherLogitsFile& file, const std::string& source,
                                   const std::string& name, const Dataset& expected,
                                   TopkReconstruction mode) {
  check_split_examples(file, source, name, expected);
  const TeacherLogitsSplit& s = *file.find(name);
  const int classes = file.config.n_classes, k = file.k;
  Buffer<float> logits(static_cast<std::size_t>(int64_t{s.examples()} * classes));
  for (int64_t n = 0; n < s.examples(); ++n)
    reconstruct_logits(s.topk_values.data() + n * k, s.topk_indices.data() + n * k, k,
                       s.logsumexp[n], classes, mode, logits.data() + n * classes);
  return logits;
}

void load_file_logits(TeacherCache<float>& cache, const TeacherLogitsFile& file,
                      const std::string& source, const std::string& name, const Dataset& expected,
                      TopkReconstruction mode, double seconds) {
  const Stopwatch rebuild;
  Buffer<float> logits = dense_teacher_logits(file, source, name, expected, mode);
  const TeacherLogitsSplit& s = *file.find(name);  // dense_teacher_logits checked it is there
  std::vector<double> cross_entropy(static_cast<std::size_t>(s.examples()));  // [N]
  for (int n = 0; n < s.examples(); ++n)
    cross_entropy[n] = static_cast<double>(s.logsumexp[n]) - s.label_logit[n];
  cache.set_logits(std::move(logits), seconds + rebuild.seconds());
  // With every logit stored the CE comes from them, as online (the same bits).
  if (file.k < file.config.n_classes) cache.set_cross_entropy(std::move(cross_entropy));
}

TeacherCache<float> teacher_cache_from_file(const TeacherLogitsFile& file,
                                            const std::string& source, const std::string& name,
                                            const Dataset& expected, TopkReconstruction mode) {
  TeacherCache<float> cache(file.config, nullptr, expected, TeacherNeeds{});
  load_file_logits(cache, file, source, name, expected, mode);
  return cache;
}

}  // namespace grok
