#include "grokking/distill/teacher_logits_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/sha256.h"
#include "grokking/data/task.h"
#include "grokking/distill/hdf5_io.h"
#include "grokking/train/model_loader.h"

namespace grok {
namespace {

constexpr const char* kSplitNames[] = {"train", "val"};

template <typename T>
std::string_view bytes_of(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

// A JSON attribute (model_config, task), parsed without exceptions: the file is untrusted.
nlohmann::json json_attribute(const Hdf5Group& root, const std::string& name) {
  const std::string text = root.string_attribute(name);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(fmt::format("{}: attribute '{}' is not a JSON object", root.where(), name));
  return j;
}

[[noreturn]] void bad(const std::string& where, const std::string& problem) {
  throw Error(fmt::format("{}: {}", where, problem));
}

// Every per-example value of one split, against the file's k, C and vocabulary.
void check_split(const TeacherLogitsSplit& s, const TeacherLogitsFile& f, const std::string& at) {
  const int classes = f.config.n_classes, k = f.k, t = f.config.seq_len;
  for (std::size_t i = 0; i < s.tokens.size(); ++i)
    if (s.tokens[i] < 0 || s.tokens[i] >= f.config.vocab_size)
      bad(at, fmt::format("tokens: example {} has token {} outside [0, {})", i / t, s.tokens[i],
                          f.config.vocab_size));
  std::vector<int32_t> seen(static_cast<std::size_t>(classes), -1);
  for (int n = 0; n < s.examples(); ++n) {
    if (s.labels[n] < 0 || s.labels[n] >= classes)
      bad(at,
          fmt::format("labels: example {} has label {} outside [0, {})", n, s.labels[n], classes));
    const float* v = s.topk_values.data() + int64_t{n} * k;
    const int32_t* c = s.topk_indices.data() + int64_t{n} * k;
    for (int i = 0; i < k; ++i) {
      if (c[i] < 0 || c[i] >= classes)
        bad(at,
            fmt::format("topk_indices: example {} has class {} outside [0, {})", n, c[i], classes));
      if (seen[c[i]] == n)
        bad(at, fmt::format("topk_indices: example {} lists class {} twice", n, c[i]));
      seen[c[i]] = n;
      if (!std::isfinite(v[i]))
        bad(at, fmt::format("topk_values: example {} has a non-finite value {}", n, v[i]));
      if (i > 0 && !(v[i - 1] > v[i] || (v[i - 1] == v[i] && c[i - 1] < c[i])))
        bad(at, fmt::format("topk_values: example {} is not in top-k order at position {} "
                            "(descending, ties by the lower class)",
                            n, i));
    }
    // The logsumexp of all logits is at least their maximum (exactly so after rounding).
    if (!std::isfinite(s.logsumexp[n]) || s.logsumexp[n] < v[0])
      bad(at, fmt::format("logsumexp: example {} has {}, below its largest logit {}", n,
                          s.logsumexp[n], v[0]));
    // The label's logit is at most the largest, and is the stored value when the label is
    // among the k.
    const float z = s.label_logit[n];
    const int32_t* stored = std::find(c, c + k, s.labels[n]);
    if (!std::isfinite(z) || z > v[0] || (stored != c + k && v[stored - c] != z))
      bad(at, fmt::format("label_logit: example {} has {}, which disagrees with its top-k "
                          "logits (largest {})",
                          n, z, v[0]));
  }
}

}  // namespace

const TeacherLogitsSplit* TeacherLogitsFile::find(const std::string& name) const {
  for (const auto& s : splits)
    if (s.name == name) return &s;
  return nullptr;
}

std::string teacher_logits_checksum(const std::vector<TeacherLogitsSplit>& splits) {
  std::string lines;
  for (const auto& s : splits) {
    const auto line = [&](const char* dataset, std::string_view bytes) {
      lines += fmt::format("{}/{} {}\n", s.name, dataset, sha256_hex(bytes));
    };
    line("tokens", bytes_of(s.tokens));
    line("labels", bytes_of(s.labels));
    line("topk_values", bytes_of(s.topk_values));
    line("topk_indices", bytes_of(s.topk_indices));
    line("logsumexp", bytes_of(s.logsumexp));
    line("label_logit", bytes_of(s.label_logit));
  }
  return sha256_hex(lines);
}

std::string teacher_logits_image(const TeacherLogitsFile& f, int gzip_level,
                                 const std::string& name) {
  Hdf5MemoryFile file(name);
  Hdf5Group& root = file.root();
  root.set_attribute("format", kTeacherLogitsFormat);
  root.set_attribute("format_version", int64_t{kTeacherLogitsFormatVersion});
  root.set_attribute("toolkit_version", f.toolkit_version);
  root.set_attribute("teacher_sha256", f.teacher_sha256);
  root.set_attribute("teacher_checkpoint", f.teacher_checkpoint);
  root.set_attribute("teacher_step", f.teacher_step);
  root.set_attribute("teacher_epoch", f.teacher_epoch);
  root.set_attribute("teacher_seed", static_cast<int64_t>(f.teacher_seed));
  root.set_attribute("model_config", model_config_json(f.config).dump());
  root.set_attribute("task", to_json(f.task).dump());
  // The task's fields again as plain attributes, for h5py readers (the JSON is authoritative
  // and must agree with them).
  root.set_attribute("p", int64_t{f.task.p});
  root.set_attribute("operation", to_string(f.task.operation));
  root.set_attribute("train_fraction", f.task.train_fraction);
  root.set_attribute("split_seed", static_cast<int64_t>(f.task.split_seed));
  root.set_attribute("n_classes", int64_t{f.config.n_classes});
  root.set_attribute("vocab_size", int64_t{f.config.vocab_size});
  root.set_attribute("seq_len", int64_t{f.config.seq_len});
  root.set_attribute("k", int64_t{f.k});
  root.set_attribute("eval_batch_size", int64_t{f.eval_batch_size});
  std::vector<std::string> names;
  for (const auto& s : f.splits) names.push_back(s.name);
  root.set_attribute("splits", fmt::format("{}", fmt::join(names, ",")));
  root.set_attribute("datasets_sha256", teacher_logits_checksum(f.splits));
  for (const auto& s : f.splits) {
    const int64_t n = s.examples();
    GROK_CHECK(static_cast<int64_t>(s.tokens.size()) == n * f.config.seq_len &&
                   static_cast<int64_t>(s.topk_values.size()) == n * f.k &&
                   s.topk_indices.size() == s.topk_values.size() &&
                   static_cast<int64_t>(s.logsumexp.size()) == n &&
                   static_cast<int64_t>(s.label_logit.size()) == n,
               "split {}: inconsistent sizes", s.name);
    Hdf5Group group = root.create_group(s.name);
    group.set_attribute("examples", n);
    group.write("tokens", {n, f.config.seq_len}, s.tokens.data(), gzip_level);
    group.write("labels", {n}, s.labels.data(), gzip_level);
    group.write("topk_values", {n, f.k}, s.topk_values.data(), gzip_level);
    group.write("topk_indices", {n, f.k}, s.topk_indices.data(), gzip_level);
    group.write("logsumexp", {n}, s.logsumexp.data(), gzip_level);
    group.write("label_logit", {n}, s.label_logit.data(), gzip_level);
  }
  return file.image();
}

int64_t write_teacher_logits(const TeacherLogitsFile& file, const std::filesystem::path& path,
                             int gzip_level) {
  const std::string image = teacher_logits_image(file, gzip_level, path.string());
  write_file_atomic(path, image);
  return static_cast<int64_t>(image.size());
}

TeacherLogitsFile read_teacher_logits(const std::filesystem::path& path) {
  const std::string source = path.string();
  const Hdf5ReadFile file(source);
  const Hdf5Group& root = file.root();
  if (root.string_attribute("format") != kTeacherLogitsFormat)
    bad(source, fmt::format("not a teacher-logits file (format '{}', expected '{}')",
                            root.string_attribute("format"), kTeacherLogitsFormat));
  const int64_t version = root.int_attribute("format_version");
  if (version != kTeacherLogitsFormatVersion)
    bad(source,
        fmt::format("format_version {} is not supported (this grokking reads {}{})", version,
                    kTeacherLogitsFormatVersion,
                    version > kTeacherLogitsFormatVersion ? "; written by a newer one" : ""));
  TeacherLogitsFile f;
  f.toolkit_version = root.string_attribute("toolkit_version");
  f.teacher_sha256 = root.string_attribute("teacher_sha256");
  f.teacher_checkpoint = root.string_attribute("teacher_checkpoint");
  f.teacher_step = root.int_attribute("teacher_step");
  f.teacher_epoch = root.int_attribute("teacher_epoch");
  const int64_t seed = root.int_attribute("teacher_seed");
  if (seed < 0 || static_cast<uint64_t>(seed) > kMaxSeed)
    bad(source, fmt::format("teacher_seed {} is outside [0, {}]", seed, kMaxSeed));
  f.teacher_seed = static_cast<uint64_t>(seed);
  f.config = model_config_from_metadata({{"config", json_attribute(root, "model_config")}},
                                        source + " model_config");
  f.task = task_config_from_metadata({{"task", json_attribute(root, "task")}}, source + " task");
  ModelConfig expected = f.config;
  apply_task_shape(Task(f.task), expected);
  if (!(expected == f.config))
    bad(source, fmt::format("model_config (vocabulary {}, classes {}, length {}) does not fit "
                            "its task p = {} '{}'",
                            f.config.vocab_size, f.config.n_classes, f.config.seq_len, f.task.p,
                            to_string(f.task.operation)));
  if (root.int_attribute("p") != f.task.p ||
      root.string_attribute("operation") != to_string(f.task.operation) ||
      root.double_attribute("train_fraction") != f.task.train_fraction ||
      root.int_attribute("split_seed") != static_cast<int64_t>(f.task.split_seed) ||
      root.int_attribute("n_classes") != f.config.n_classes ||
      root.int_attribute("vocab_size") != f.config.vocab_size ||
      root.int_attribute("seq_len") != f.config.seq_len)
    bad(source,
        "the attributes p, operation, train_fraction, split_seed, n_classes, vocab_size "
        "and seq_len disagree with the task and model_config JSON");
  const int64_t k = root.int_attribute("k");
  if (k < 1 || k > f.config.n_classes)
    bad(source, fmt::format("k {} is outside [1, {}] (the class count)", k, f.config.n_classes));
  f.k = static_cast<int>(k);
  const int64_t chunk = root.int_attribute("eval_batch_size");
  if (chunk < 1 || chunk > kMaxExamples)
    bad(source, fmt::format("eval_batch_size {} is outside [1, {}]", chunk, kMaxExamples));
  f.eval_batch_size = static_cast<int>(chunk);

  const std::string names = root.string_attribute("splits");
  for (const std::string& name : split_list(names)) {
    if (name != kSplitNames[0] && name != kSplitNames[1])
      bad(source, fmt::format("splits: '{}' is not train or val", name));
    if (f.find(name)) bad(source, fmt::format("splits: '{}' is listed twice", name));
    const Hdf5Group group = root.open_group(name);
    const int64_t n = group.int_attribute("examples");
    if (n < 1 || n > kMaxExamples)
      bad(group.where(), fmt::format("examples {} is outside [1, {}]", n, kMaxExamples));
    TeacherLogitsSplit& s = f.splits.emplace_back();
    s.name = name;
    s.tokens = group.read_ints("tokens", {n, f.config.seq_len});
    s.labels = group.read_ints("labels", {n});
    s.topk_values = group.read_floats("topk_values", {n, k});
    s.topk_indices = group.read_ints("topk_indices", {n, k});
    s.logsumexp = group.read_floats("logsumexp", {n});
    s.label_logit = group.read_floats("label_logit", {n});
  }
  if (f.splits.empty()) bad(source, "splits: none stored");
  f.datasets_sha256 = root.string_attribute("datasets_sha256");
  const std::string actual = teacher_logits_checksum(f.splits);
  if (actual != f.datasets_sha256)
    bad(source, fmt::format("checksum mismatch: the datasets hash to {}, the file records {} "
                            "(corrupt file)",
                            actual, f.datasets_sha256));
  for (const auto& s : f.splits) check_split(s, f, source + ":/" + s.name);
  return f;
}

}  // namespace grok
